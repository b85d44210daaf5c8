import { describe, expect, it } from 'vitest';
import { parsePlanDocument } from '../../src/core/plan/plan.parse.ts';
import { editedPreset, presetText } from './plan-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: bad-input tests poke arbitrary paths of a raw document
type Doc = Record<string, any>;
const sla = (edit: (doc: Doc) => void) =>
  editedPreset('business-sla', edit as (d: Record<string, unknown>) => void);

function errorsOf(text: string, format?: 'yaml' | 'json') {
  const result = parsePlanDocument(text, format);
  if (result.ok) throw new Error('expected the plan to be invalid');
  return result.errors;
}

describe('bad plans give every error with the path of the bad field', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'negative duration',
      sla((d) => {
        d.categories[2].targets.resolution.within = '-1h';
      }),
      'categories[2].targets.resolution.within',
      /positive duration like 8h or PT8H/,
    ],
    [
      'non-numeric duration',
      sla((d) => {
        d.categories[0].targets.resolution.within = 'soon';
      }),
      'categories[0].targets.resolution.within',
      /duration like 8h/,
    ],
    [
      'zero working days',
      sla((d) => {
        d.categories[0].targets.resolution.within = '0wd';
      }),
      'categories[0].targets.resolution.within',
      /got 0 days/,
    ],
    [
      'unknown time zone',
      sla((d) => {
        d.calendar.timeZone = 'Mars/Olympus';
      }),
      'calendar.timeZone',
      /unknown IANA time zone/,
    ],
    [
      'impossible interval (end before start)',
      sla((d) => {
        d.calendar.week.mon = ['18:00-09:00'];
      }),
      'calendar.week.mon[0]',
      /end is not after start/,
    ],
    [
      'unknown field',
      sla((d) => {
        d.renewal.deadlien = 'none';
      }),
      'renewal.deadlien',
      /unknown field/,
    ],
    [
      'missing field',
      sla((d) => {
        delete d.currency;
      }),
      'currency',
      /required field is missing/,
    ],
    [
      'bad enum',
      sla((d) => {
        d.renewal.timing = 'sometimes';
      }),
      'renewal.timing',
      /backdate.*extend.*from-now/,
    ],
    [
      'bad price rule',
      sla((d) => {
        d.price.rule = 'free';
      }),
      'price.rule',
      /category-table, percent-of-list, per-user/,
    ],
    [
      'money in minor units',
      sla((d) => {
        d.price.categories[0].pricePerTerm.amountMinor = 49.5;
      }),
      'price.categories[0].pricePerTerm.amountMinor',
      /integer amount in minor units/,
    ],
  ];
  it.each(cases)('%s → %s', (_name, text, path, message) => {
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toContain(path);
    expect(errors.find((e) => e.path === path)?.message).toMatch(message);
  });

  it('reports several structural errors at once, not just the first', () => {
    const errors = errorsOf(
      sla((d) => {
        d.calendar.timeZone = 'Nowhere/Land';
        d.categories[0].targets.resolution.within = '-2h';
        d.channels.chat = 'yes';
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      'calendar.timeZone',
      'categories[0].targets.resolution.within',
      'channels.chat',
    ]);
  });

  it('points at the line and column of the bad field in YAML', () => {
    const text = presetText('business-sla').replace('within: 1h', 'within: -1h');
    const error = errorsOf(text).find((e) => e.path === 'defaultTargets.assignment.within');
    const line = text.split('\n').findIndex((l) => l.includes('within: -1h')) + 1;
    expect(error?.line).toBe(line);
  });
});

describe('cross-field rules name the field', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'a budget on an unknown category (R2.10)',
      sla((d) => {
        d.budgets[0].category = '9.9';
      }),
      'budgets[0].category',
      /unknown category "9.9"; known: 1, 2, 2.1/,
    ],
    [
      'duplicate category ids',
      sla((d) => {
        d.categories[1].children[0].id = '1';
      }),
      'categories[1].children[0].id',
      /duplicate category id "1" \(also at categories\[0\]\)/,
    ],
    [
      'a working-time target without a calendar (R2.4)',
      sla((d) => {
        delete d.calendar;
      }),
      'defaultTargets.assignment.clock',
      /needs a plan calendar/,
    ],
    [
      'working days on the calendar clock',
      sla((d) => {
        d.categories[0].targets.resolution.clock = 'calendar';
      }),
      'categories[0].targets.resolution.clock',
      /working days \(wd\) need clock: working/,
    ],
    [
      'money in another currency (R0.6)',
      sla((d) => {
        d.price.categories[1].pricePerTerm.currency = 'EUR';
      }),
      'price.categories[1].pricePerTerm.currency',
      /plan currency RUB/,
    ],
    [
      'a phone quota without phone (R2.1)',
      sla((d) => {
        d.channels.phone.incidentsPerContractYear = 5;
      }),
      'channels.phone.incidentsPerContractYear',
      /phone enabled/,
    ],
    [
      'a refund rule on an unknown category (R5.1)',
      editedPreset('addon-support', (d: Doc) => {
        d.refunds.category = 'bug';
      }),
      'refunds.category',
      /unknown category "bug"/,
    ],
  ];
  it.each(cases)('%s → %s', (_name, text, path, message) => {
    const errors = errorsOf(text);
    expect(errors.find((e) => e.path === path)?.message).toMatch(message);
  });
});

describe('syntax errors', () => {
  it('malformed YAML gives line and column', () => {
    const errors = errorsOf('schemaVersion: 1\nkey: x\ncategories: [\n  - a\n');
    expect(errors[0]?.path).toBe('');
    expect(errors[0]?.message).toMatch(/^YAML syntax: /);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(3);
    expect(errors[0]?.column).toBeGreaterThanOrEqual(1);
  });
  it('an empty document says so; a missing literal field is reported as missing', () => {
    expect(errorsOf('')[0]?.message).toMatch(/document is empty/);
    expect(errorsOf('{}').find((e) => e.path === 'schemaVersion')?.message).toBe(
      'required field is missing (expected 1)',
    );
  });
  it('duplicate YAML keys are syntax errors', () => {
    expect(errorsOf('key: a\nkey: b\n')[0]?.message).toMatch(/unique|duplicate/i);
  });
  it('malformed JSON names JSON', () => {
    expect(errorsOf('{"key": ', 'json')[0]?.message).toMatch(/^JSON syntax: /);
  });
  it('a JSON plan validates like YAML', () => {
    const plan = parsePlanDocument(presetText('ticket-desk'));
    if (!plan.ok) throw new Error('preset invalid');
    expect(parsePlanDocument(JSON.stringify(plan.plan), 'json')).toEqual(plan);
  });
});
