import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import type { Plan } from '../plan/plan.schema.ts';
import { compilePlanCalendars } from '../plan/plan.sla.ts';
import { breachInstantOf, slaAlarms, slaStateOf } from './sla-alarms.ts';
import { consumedAt, scheduleOf } from './sla-clock.ts';
import { applicableTargets, applyClockEvent, openClocks, retargetClocks } from './ticket-clocks.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (s: number | null | undefined) => (s == null ? null : new Date(s * 1000).toISOString());
const HOUR = 3600;

const s0 = loadPreset('annual-maintenance');
const s1 = loadPreset('ticket-desk');
const s2 = loadPreset('addon-support');
const s3 = loadPreset('business-sla');
const s4 = loadPreset('per-user-subscription');

function dueOf(plan: Plan, category: string, registered: string, impact: string | null = null) {
  const cals = compilePlanCalendars(plan);
  const clocks = openClocks(plan, category, impact as never, at(registered), cals);
  return Object.fromEntries(clocks.map((c) => [c.metric, iso(scheduleOf(c, cals)?.dueAt)]));
}

describe('SLA clocks open at registration with the plan’s targets (R2.4)', () => {
  it.each([
    // [preset, plan, category, registered, impact, expected due instants]
    ['S0', s0, 'support', '2026-03-06T20:00:00Z', null, { firstResponse: '2026-03-07T20:00:00.000Z' }],
    [
      'S3',
      s3,
      '3.1',
      '2026-11-27T14:30:00Z',
      null,
      { assignment: '2026-11-30T06:30:00.000Z', resolution: '2026-11-30T14:30:00.000Z' },
    ],
    [
      'S3',
      s3,
      '1',
      '2026-11-30T06:00:00Z',
      null,
      { assignment: '2026-11-30T07:00:00.000Z', resolution: '2026-12-01T15:00:00.000Z' },
    ],
    ['S3', s3, '2.4', '2026-11-30T06:00:00Z', null, { assignment: '2026-11-30T07:00:00.000Z' }],
    [
      'S3',
      s3,
      '3.4',
      '2026-11-30T06:00:00Z',
      'complete-inoperability',
      { assignment: '2026-11-30T07:00:00.000Z', resolution: '2026-12-04T15:00:00.000Z' },
    ],
    ['S3', s3, '3.4', '2026-11-30T06:00:00Z', 'minor', { assignment: '2026-11-30T07:00:00.000Z' }],
    // S2: 30 working days of 9 h on the Paris office calendar with French holidays (none in March 2026).
    ['S2', s2, 'anomaly', '2026-03-02T08:00:00Z', null, { resolution: '2026-04-13T16:00:00.000Z' }],
    ['S4', s4, 'total-outage', '2026-03-02T14:00:00Z', null, {}],
  ] as const)(
    '%s %s: %s registered %s (impact %s)',
    (_seed, plan, category, registered, impact, expected) => {
      expect(dueOf(plan, category, registered, impact)).toEqual(expected);
    },
  );

  it('R2.4 (S1): first response within 2 business days and resolution within 14 days are targets, not guarantees', () => {
    const targets = applicableTargets(s1, 'question', null);
    expect(targets.firstResponse).toMatchObject({ within: '2wd', binding: 'target' });
    expect(targets.resolution).toMatchObject({ within: '14d', clock: 'calendar', binding: 'target' });
  });
});

describe('pauses, stops and re-targets (R2.4, R2.5)', () => {
  const cals = compilePlanCalendars(s3);
  const context = { calendars: cals, targets: applicableTargets(s3, '1', null), pauseWhenWaiting: true };
  const registered = at('2026-11-30T06:00:00Z'); // Monday 09:00 Moscow

  it('R2.5 (S3): waiting on the customer keeps the time used and moves the deadline by the paused working time', () => {
    const open = openClocks(s3, '1', null, registered, cals);
    const paused = applyClockEvent(open, { kind: 'waiting-on-customer' }, registered + 2 * HOUR, context);
    const resolution = paused.find((c) => c.metric === 'resolution')!;
    expect(resolution).toMatchObject({ consumedSeconds: 2 * HOUR, runningSince: null });
    expect(scheduleOf(resolution, cals)).toBeNull();
    const resumed = applyClockEvent(paused, { kind: 'customer-answered' }, registered + 26 * HOUR, context);
    const again = resumed.find((c) => c.metric === 'resolution')!;
    expect(iso(scheduleOf(again, cals)?.dueAt)).toBe('2026-12-02T15:00:00.000Z');
    expect(consumedAt(again, registered + 27 * HOUR, cals)).toBe(3 * HOUR);
  });

  it('R2.4 (S3): assignment stops when an engineer is appointed; the stopped clock met its target', () => {
    const open = openClocks(s3, '1', null, registered, cals);
    const assigned = applyClockEvent(open, { kind: 'assigned' }, registered + 1800, context);
    expect(assigned.find((c) => c.metric === 'assignment')).toMatchObject({
      stoppedAt: registered + 1800,
      consumedSeconds: 1800,
    });
    expect(assigned.find((c) => c.metric === 'resolution')?.stoppedAt).toBeNull();
  });

  it('R2.4 (S3): a change from category 1 (2 working days) to 3.3 (1 working day) keeps the 5 h used: due 4 h later', () => {
    const open = openClocks(s3, '1', null, registered, cals);
    const later = registered + 5 * HOUR;
    const moved = retargetClocks(open, applicableTargets(s3, '3.3', null), registered, later, cals);
    const resolution = moved.find((c) => c.metric === 'resolution')!;
    expect(resolution.targetSeconds).toBe(9 * HOUR);
    expect(iso(scheduleOf(resolution, cals)?.dueAt)).toBe('2026-11-30T15:00:00.000Z');
    expect(consumedAt(resolution, later, cals)).toBe(5 * HOUR);
  });

  it('R2.5 (S1): no working time passes inside an announced maintenance window, for either kind of clock', () => {
    const withWindow: Plan = structuredClone(s1);
    withWindow.calendar!.closures = [
      { start: '2026-03-03T09:00:00Z', end: '2026-03-03T13:00:00Z', reason: 'upgrade' },
    ];
    const windowCals = compilePlanCalendars(withWindow);
    const [first, resolution] = openClocks(
      withWindow,
      'question',
      null,
      at('2026-03-03T08:00:00Z'),
      windowCals,
    );
    // First response: 16 working hours from Tue 08:00 UTC, 4 of Tuesday's hours closed → Thursday 13:00.
    expect(iso(scheduleOf(first!, windowCals)?.dueAt)).toBe('2026-03-05T13:00:00.000Z');
    // Resolution, 14 days of calendar time, also skips the 4-hour window.
    expect(iso(scheduleOf(resolution!, windowCals)?.dueAt)).toBe('2026-03-17T12:00:00.000Z');
  });
});

describe('alarms: warnings and breaches at their instants (R2.4)', () => {
  const cals = compilePlanCalendars(s0);
  const registered = at('2026-03-02T09:00:00Z');
  const [clock] = openClocks(s0, 'support', null, registered, cals);

  it('R2.4 (S0): the warning fires at 80 % of 24 h and the breach one second after the deadline, each once', () => {
    const alarmed = [{ clock: clock!, warnedAt: null, breachedAt: null }];
    expect(slaAlarms(alarmed, registered, cals)).toEqual({ due: [], nextAt: registered + 0.8 * 24 * HOUR });
    const late = slaAlarms(alarmed, registered + 24 * HOUR + 1, cals);
    expect(late.due.map((a) => [a.kind, iso(a.at)])).toEqual([
      ['warning', '2026-03-03T04:12:00.000Z'],
      ['breach', '2026-03-03T09:00:01.000Z'],
    ]);
    const fired = [{ clock: clock!, warnedAt: late.due[0]!.at, breachedAt: late.due[1]!.at }];
    expect(slaAlarms(fired, registered + 48 * HOUR, cals)).toEqual({ due: [], nextAt: null });
    expect(slaStateOf(fired)).toBe('breached');
  });

  it('a working-time deadline at closing time breaches a second after the next opening (LESSONS)', () => {
    expect(breachInstantOf(at('2026-11-30T06:00:00Z'))).toBe(at('2026-11-30T06:00:01Z'));
    const s3cals = compilePlanCalendars(s3);
    const [assignment] = openClocks(s3, '1', null, at('2026-11-27T14:00:00Z'), s3cals); // Fri 17:00 Moscow
    const schedule = scheduleOf(assignment!, s3cals)!;
    expect([iso(schedule.dueAt), iso(schedule.breachedAfter)]).toEqual([
      '2026-11-27T15:00:00.000Z',
      '2026-11-30T06:00:00.000Z',
    ]);
  });
});
