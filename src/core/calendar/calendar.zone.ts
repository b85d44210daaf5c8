import { Temporal } from 'temporal-polyfill';

/** A stretch of UTC time [start, end) during which the zone's UTC offset is constant. */
export type OffsetSegment = { start: number; end: number; offset: number };

/**
 * The zone's offset segments covering [from, to) in epoch seconds, from Temporal's transition data.
 * Local wall time is `t + offset` inside a segment, so a local interval's UTC preimage is computed
 * exactly per segment: skipped local times map to nothing, repeated ones to two UTC pieces.
 */
export function offsetSegments(timeZone: string, from: number, to: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let zoned = Temporal.Instant.fromEpochMilliseconds(from * 1000).toZonedDateTimeISO(timeZone);
  let start = from;
  for (;;) {
    const offset = zoned.offsetNanoseconds / 1e9;
    const next = zoned.getTimeZoneTransition('next');
    const nextStart = next === null ? Number.POSITIVE_INFINITY : next.epochMilliseconds / 1000;
    if (nextStart >= to) {
      segments.push({ start, end: to, offset });
      return segments;
    }
    segments.push({ start, end: nextStart, offset });
    start = nextStart;
    zoned = next!;
  }
}
