/**
 * One result-parsing rule for both backends, so a value read on PGlite equals the value read on
 * PostgreSQL. node-postgres returns bigint and numeric as strings and `date` as a local-midnight
 * Date; PGlite returns bigint as number-or-BigInt. Both are replaced by the rules below.
 */

/** PostgreSQL type OIDs whose parsing we pin. */
export const PG_OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  json: 114,
  jsonb: 3802,
} as const;

/** bigint → number; a value outside the safe-integer range is a fault, never a silently wrong number. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`bigint value ${text} is outside JavaScript's safe integer range`);
  }
  return value;
}

/** timestamptz → Date. PostgreSQL prints e.g. `2026-03-29 01:30:00.123456+00`; Date keeps milliseconds. */
export function parseTimestamptz(text: string): Date {
  if (text === 'infinity' || text === '-infinity') {
    throw new RangeError(`timestamptz value ${text} cannot be represented as a Date`);
  }
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unparseable timestamptz ${text}`);
  return date;
}

const identity = (text: string): string => text;

/** The parsers, keyed by OID: numeric, date and timestamp (without zone) stay exact strings. */
export const resultParsers: Readonly<Record<number, (text: string) => unknown>> = {
  [PG_OID.int8]: parseInt8,
  [PG_OID.numeric]: identity,
  [PG_OID.date]: identity,
  [PG_OID.timestamp]: identity,
  [PG_OID.timestamptz]: parseTimestamptz,
  [PG_OID.json]: (text) => JSON.parse(text),
  [PG_OID.jsonb]: (text) => JSON.parse(text),
};
