import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseInt8, parseTimestamptz } from '../../src/server/db/type-parsers.ts';
import { describeDb } from '../support/db-harness.ts';

// One expected row for both backends: a value read on PGlite equals the value read on PostgreSQL.
const expected = {
  int4: 42,
  int8: 9007199254740991,
  count: 3,
  numeric: '12.3450',
  timestamptz: new Date('2026-03-28T23:30:00.123Z'),
  date: '2026-02-28',
  timestamp: '2026-02-28 09:00:00',
  jsonb: { a: [1, 'x', null], b: { c: true } },
  bool: true,
  text: 'Grüße',
};

describeDb('type parsing is identical on both backends', (getDb) => {
  it('int, bigint, count, numeric, timestamptz, date, timestamp, jsonb, bool, text', async () => {
    const { db } = getDb();
    const { rows } = await sql`
      select 42::int4 as int4,
             9007199254740991::int8 as int8,
             (select count(*) from (values (1), (2), (3)) v) as count,
             12.3450::numeric as numeric,
             '2026-03-29 01:30:00.123+02'::timestamptz as timestamptz,
             '2026-02-28'::date as date,
             '2026-02-28 09:00'::timestamp as timestamp,
             '{"a": [1, "x", null], "b": {"c": true}}'::jsonb as jsonb,
             true as bool,
             'Grüße'::text as text`.execute(db);
    expect(rows).toEqual([expected]);
  });

  it('a Date written to timestamptz reads back as the same instant, to the millisecond', async () => {
    const { db } = getDb();
    const at = new Date('2026-10-25T00:59:59.999Z');
    const { rows } = await sql<{ at: Date }>`select ${at}::timestamptz as at`.execute(db);
    expect(rows[0]?.at.toISOString()).toBe(at.toISOString());
  });

  it('a bigint beyond 2^53 is refused rather than rounded', async () => {
    const { db } = getDb();
    await expect(sql`select 9007199254740993::int8 as n`.execute(db)).rejects.toThrow(/safe integer range/);
  });

  it('the session time zone is UTC', async () => {
    const { db } = getDb();
    const { rows } = await sql<{ tz: string }>`select current_setting('TimeZone') as tz`.execute(db);
    expect(rows[0]?.tz).toBe('UTC');
  });
});

describe('type parsers', () => {
  it.each([
    ['2026-03-29 01:30:00+00', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29 01:30:00.123456+00', '2026-03-29T01:30:00.123Z'],
    ['2026-03-29 07:15:00+05:45', '2026-03-29T01:30:00.000Z'],
    ['2026-03-28 21:30:00-04', '2026-03-29T01:30:00.000Z'],
  ])('timestamptz %s is the instant %s', (text, iso) => {
    expect(parseTimestamptz(text).toISOString()).toBe(iso);
  });

  it('infinity is refused', () => {
    expect(() => parseTimestamptz('infinity')).toThrow(/cannot be represented/);
  });

  it.each([
    ['0', 0],
    ['-9007199254740991', -9007199254740991],
  ])('bigint %s is %d', (text, n) => {
    expect(parseInt8(text)).toBe(n);
  });
});
