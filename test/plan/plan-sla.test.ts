import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { workingTimeBetween } from '../../src/core/calendar/calendar.ops.ts';
import { compilePlanCalendars, computeSlaDueDates } from '../../src/core/plan/plan.sla.ts';
import type { Impact, TargetKind } from '../../src/core/plan/plan-desk.schema.ts';
import { loadPreset, type PresetName } from './plan-helpers.ts';

const presets = {
  'business-sla': loadPreset('business-sla'),
  'annual-maintenance': loadPreset('annual-maintenance'),
  'ticket-desk': loadPreset('ticket-desk'),
  'addon-support': loadPreset('addon-support'),
} as const;
const calendars = Object.fromEntries(
  Object.entries(presets).map(([name, plan]) => [name, compilePlanCalendars(plan)]),
) as Record<keyof typeof presets, ReturnType<typeof compilePlanCalendars>>;

/** Local wall time in a zone → instant. */
const at = (local: string, zone: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toInstant();
const MSK = 'Europe/Moscow';

function due(preset: keyof typeof presets, category: string, registered: Temporal.Instant, impact?: Impact) {
  const result = computeSlaDueDates(presets[preset], category, registered, {
    calendars: calendars[preset],
    ...(impact ? { impact } : {}),
  });
  if (!result.ok) throw new Error(result.message);
  return result;
}

function localDue(
  preset: keyof typeof presets,
  category: string,
  registered: Temporal.Instant,
  kind: TargetKind,
  zone: string,
  impact?: Impact,
) {
  const found = due(preset, category, registered, impact).due.find((d) => d.kind === kind);
  return found?.dueAt.toZonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit: 'minute' });
}

// 2026-11-27 is a Friday; 2026-11-30 a Monday; no Russian public holiday in between.
type Case = [string, keyof typeof presets, string, string, TargetKind, string, Impact | undefined];
const cases: Case[] = [
  [
    'registered Fri 17:30 → engineer appointed by Mon 09:30 (R2.4, S3 4.1)',
    'business-sla',
    '3.1',
    '2026-11-27T17:30',
    'assignment',
    '2026-11-30T09:30',
    undefined,
  ],
  [
    'registered in hours → engineer within 1 working hour (R2.4, S3 4.1)',
    'business-sla',
    '1',
    '2026-11-24T10:15',
    'assignment',
    '2026-11-24T11:15',
    undefined,
  ],
  [
    'registered Sat → clock starts Mon 09:00 (R2.4, S3)',
    'business-sla',
    '2',
    '2026-11-28T12:00',
    'assignment',
    '2026-11-30T10:00',
    undefined,
  ],
  [
    '1 working day = 9 h: Fri 17:30 → Mon 17:30 (R2.4, S3 4.2 clause 3)',
    'business-sla',
    '3.2',
    '2026-11-27T17:30',
    'resolution',
    '2026-11-30T17:30',
    undefined,
  ],
  [
    '1 working day from Tue 09:00 ends at closing, Tue 18:00 (R2.4, S3)',
    'business-sla',
    '3.3',
    '2026-11-24T09:00',
    'resolution',
    '2026-11-24T18:00',
    undefined,
  ],
  [
    '2 working days = 18 h: Tue 14:00 → Thu 14:00 (R2.4, S3 4.2 item 1)',
    'business-sla',
    '1',
    '2026-11-24T14:00',
    'resolution',
    '2026-11-26T14:00',
    undefined,
  ],
  [
    '5 working days for 3.4 with complete inoperability: Fri 17:30 → next Fri 17:30 (R2.4, S3)',
    'business-sla',
    '3.4',
    '2026-11-27T17:30',
    'resolution',
    '2026-12-04T17:30',
    'complete-inoperability',
  ],
  [
    'the calendar skips Russian public holidays: 4 Nov 2026 (R2.4, S3)',
    'business-sla',
    '3.1',
    '2026-11-03T17:00',
    'resolution',
    '2026-11-05T17:00',
    undefined,
  ],
  [
    'first response within 24 h of calendar time, weekends included (R2.4, S0)',
    'annual-maintenance',
    'support',
    '2026-11-27T17:30',
    'firstResponse',
    '2026-11-28T17:30',
    undefined,
  ],
  [
    'answer within 2 business days of 8 h (R2.4, S1)',
    'ticket-desk',
    'question',
    '2026-11-27T16:00',
    'firstResponse',
    '2026-12-01T16:00',
    undefined,
  ],
  [
    'defect corrected within 30 working days = 270 h (R2.4, S2)',
    'addon-support',
    'anomaly',
    '2026-11-02T09:00',
    'resolution',
    '2026-12-14T18:00',
    undefined,
  ],
];

const zoneOf = (p: keyof typeof presets) => presets[p].calendar?.timeZone ?? 'UTC';

describe('SLA due instants at hand-checked examples', () => {
  it.each(cases)('%s', (_name, preset, category, local, kind, expected, impact) => {
    expect(localDue(preset, category, at(local, zoneOf(preset)), kind, zoneOf(preset), impact)).toBe(
      expected,
    );
  });
});

describe('SLA rules around the targets', () => {
  it('a maintenance window pauses the calendar-time resolution target too (R2.5, S1)', () => {
    const plan = structuredClone(presets['ticket-desk']);
    plan.calendar!.closures = [
      { start: '2026-12-05T00:00:00Z', end: '2026-12-06T00:00:00Z', reason: 'upgrade' },
    ];
    const resolution = (p: typeof plan) => {
      const result = computeSlaDueDates(p, 'question', Temporal.Instant.from('2026-12-01T10:00:00Z'));
      if (!result.ok) throw new Error(result.message);
      return result.due.find((d) => d.kind === 'resolution')?.dueAt.toString();
    };
    expect(resolution(presets['ticket-desk'])).toBe('2026-12-15T10:00:00Z');
    expect(resolution(plan)).toBe('2026-12-16T10:00:00Z');
    plan.pauses.maintenanceWindows = false;
    expect(resolution(plan)).toBe('2026-12-15T10:00:00Z');
  });

  it("3.4 without complete inoperability has no resolution target, and is not given category 3's (R2.4, S3)", () => {
    const result = due('business-sla', '3.4', at('2026-11-27T17:30', MSK));
    expect(result.due.map((d) => d.kind)).toEqual(['assignment']);
    expect(result.skipped).toContainEqual({ kind: 'resolution', reason: 'IMPACT_NOT_MATCHED' });
  });

  it('2.4 has only the assignment target (R2.4, S3)', () => {
    expect(due('business-sla', '2.4', at('2026-11-24T10:00', MSK)).due.map((d) => d.kind)).toEqual([
      'assignment',
    ]);
  });

  it('a deadline at closing time shows closing; it is breached only after the next opening (LESSONS)', () => {
    const [resolution] = due('business-sla', '3.3', at('2026-11-27T09:00', MSK)).due.filter(
      (d) => d.kind === 'resolution',
    );
    expect(resolution?.dueAt.toZonedDateTimeISO(MSK).toPlainDateTime().toString()).toBe(
      '2026-11-27T18:00:00',
    );
    expect(resolution?.breachedAfter.toZonedDateTimeISO(MSK).toPlainDateTime().toString()).toBe(
      '2026-11-30T09:00:00',
    );
  });

  it('an unknown category is an outcome listing the valid ids', () => {
    const result = computeSlaDueDates(presets['business-sla'], '4', at('2026-11-24T10:00', MSK), {
      calendars: calendars['business-sla'],
    });
    expect(result).toMatchObject({
      ok: false,
      code: 'UNKNOWN_CATEGORY',
      validIds: ['1', '2', '2.1', '2.2', '2.3', '2.4', '3', '3.1', '3.2', '3.3', '3.4'],
    });
  });

  it('compiles the plan calendars itself when none are passed', () => {
    const name: PresetName = 'business-sla';
    const result = computeSlaDueDates(presets[name], '1', at('2026-11-27T17:30', MSK));
    expect(result.ok && result.due[0]?.dueAt.toString()).toBe('2026-11-30T06:30:00Z');
  });
});

describe('SLA due instants agree with the calendar engine (property)', () => {
  const plan = presets['business-sla'];
  const working = calendars['business-sla'].working!;
  const expectedHours: Record<string, number> = { '1': 18, '3': 9, '3.1': 9, '3.2': 9, '3.3': 9 };

  it('working time from registration to each due instant is exactly the target (R2.4: N wd = N × 9 h)', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const end = Date.parse('2027-12-31T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: start / 1000, max: end / 1000 }),
        fc.constantFrom(...Object.keys(expectedHours)),
        (seconds, category) => {
          const registered = Temporal.Instant.fromEpochMilliseconds(seconds * 1000);
          const result = computeSlaDueDates(plan, category, registered, {
            calendars: calendars['business-sla'],
          });
          if (!result.ok) throw new Error(result.message);
          const byKind = Object.fromEntries(result.due.map((d) => [d.kind, d.dueAt]));
          expect(workingTimeBetween(working, registered, byKind.assignment!)).toBe(3600);
          expect(workingTimeBetween(working, registered, byKind.resolution!)).toBe(
            expectedHours[category]! * 3600,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
