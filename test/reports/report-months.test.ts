import { describe, expect, it } from 'vitest';
import { monthWindows } from '../../src/server/reports/report-months.ts';

const iso = (w: { month: string; start: Date; end: Date }) => [
  w.month,
  w.start.toISOString(),
  w.end.toISOString(),
];

describe('report months', () => {
  it('are calendar months in the time zone, the current one last; DST moves the boundary instant', () => {
    expect(monthWindows(new Date('2026-03-15T12:00:00Z'), 2, 'Europe/Berlin').map(iso)).toEqual([
      ['2026-02', '2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
      ['2026-03', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    ]);
  });

  it('take the month of "now" in the zone, not in UTC', () => {
    // 2026-02-28T23:30Z is already 1 March in Berlin; still February in UTC and New York.
    const now = new Date('2026-02-28T23:30:00Z');
    expect(monthWindows(now, 1, 'Europe/Berlin').map((w) => w.month)).toEqual(['2026-03']);
    expect(monthWindows(now, 1, 'UTC').map((w) => w.month)).toEqual(['2026-02']);
    expect(
      monthWindows(now, 13, 'America/New_York')
        .map((w) => w.month)
        .slice(0, 2),
    ).toEqual(['2025-02', '2025-03']);
  });
});
