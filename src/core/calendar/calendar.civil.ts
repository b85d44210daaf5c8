// Proleptic Gregorian date arithmetic on "epoch days" (days since 1970-01-01), after Howard Hinnant's
// civil-from-days algorithms. The compiler walks millions of dates; plain integers keep that cheap.

/** Epoch day of a civil date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Civil date of an epoch day. */
export function civilFromDays(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of an epoch day; 1970-01-01 was a Thursday. */
export function isoWeekday(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** Epoch day of "YYYY-MM-DD". */
export function parseLocalDate(text: string): number {
  const [y = 0, m = 1, d = 1] = text.split('-').map(Number);
  return daysFromCivil(y, m, d);
}

/** "YYYY-MM-DD" of an epoch day. */
export function formatLocalDate(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/** "HH:MM" (or "HH:MM:SS") of seconds after midnight; 86 400 is "24:00". */
export function formatClock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return s === 0 ? `${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** Interval text of a parsed interval, the inverse of parseIntervalText. */
export function formatInterval(start: number, end: number): string {
  return end > 86_400
    ? `${formatClock(start)}-${formatClock(end - 86_400)}+1`
    : `${formatClock(start)}-${formatClock(end)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
