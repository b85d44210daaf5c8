import { Temporal } from 'temporal-polyfill';
import { type CompiledCalendar, compileCalendar } from './calendar.compile.ts';
import { parseCalendarSpec } from './calendar.schema.ts';

// Helpers for the calendar's table-driven tests: build a calendar from plain data and read and write
// instants as local wall times, the way the peers' suites state their cases.

/** Compiles plain calendar data, failing loudly (with the paths) if it is not a valid calendar. */
export function calendarOf(input: unknown): CompiledCalendar {
  const parsed = parseCalendarSpec(input);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return compileCalendar(parsed.spec);
}

/** Weekly hours with the same intervals on each listed day. */
export function weekOf(days: readonly string[], ...hours: string[]): Record<string, string[]> {
  return Object.fromEntries(days.map((day) => [day, hours]));
}

export const MON_FRI = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Epoch seconds of a local wall time ("2026-03-02T09:00" or with seconds and milliseconds). */
export function at(timeZone: string, wall: string): number {
  const zoned = Temporal.PlainDateTime.from(wall).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  return zoned.epochMilliseconds / 1000;
}

/** Local wall time of epoch seconds as "YYYY-MM-DD HH:MM:SS" (with ".sss" when not whole seconds). */
export function wall(timeZone: string, seconds: number): string {
  const local = Temporal.Instant.fromEpochMilliseconds(Math.round(seconds * 1000))
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime();
  const text = local.toString({ smallestUnit: local.millisecond === 0 ? 'second' : 'millisecond' });
  return text.replace('T', ' ');
}
