// Hand-picked starts where business-time libraries are known to disagree (LESSONS.md), shown side by
// side in RESULTS.md so a reader sees each convention, not only the agreement rate.
import { Temporal } from 'temporal-polyfill';
import { markdownTable } from './report.ts';

const ZONE = 'Europe/Berlin';

/** [what the case probes, start as Berlin local time]; every case adds 16 working hours. */
export const EDGE_CASES: ReadonlyArray<readonly [string, string]> = [
  ['ends exactly at closing time (Tue 18:00)', '2026-11-23T11:00:00'],
  ['starts exactly at closing time', '2026-11-23T18:00:00'],
  ['starts exactly at opening time', '2026-11-23T09:00:00'],
  ['start with seconds', '2026-11-23T09:00:30'],
  ['Saturday night start', '2026-11-28T03:00:00'],
  ['across the spring DST weekend (2026-03-29)', '2026-03-27T17:00:00'],
  ['across the autumn DST weekend (2026-10-25)', '2026-10-23T17:00:00'],
  ['on Good Friday, over Easter Monday', '2026-04-03T10:00:00'],
  ['Christmas Eve (a working day here; only public holidays close)', '2026-12-24T12:00:00'],
];

export function edgeCaseEpoch(local: string): number {
  return Temporal.PlainDateTime.from(local).toZonedDateTime(ZONE).epochMilliseconds / 1000;
}

function berlin(epoch: number): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(Math.round(epoch * 1000)).toZonedDateTimeISO(ZONE);
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][zoned.dayOfWeek - 1];
  return `${weekday} ${zoned.toPlainDateTime().toString().replace('T', ' ')}`;
}

/** One row per case, one column per contender; a peer's answer that differs from ours is in bold. */
export function renderEdgeCases(
  contenders: ReadonlyArray<{ name: string; add: (epoch: number) => number }>,
): string[] {
  const rows = EDGE_CASES.map(([label, local]) => {
    const start = edgeCaseEpoch(local);
    const answers = contenders.map((c) => c.add(start));
    const cells = answers.map((a, i) => (i > 0 && a !== answers[0] ? `**${berlin(a)}**` : berlin(a)));
    return [label, berlin(start), ...cells];
  });
  return [
    '## Edge cases (start + 16 working hours, Berlin local time)',
    '',
    markdownTable(['case', 'start', ...contenders.map((c) => c.name)], rows),
    '',
  ];
}
