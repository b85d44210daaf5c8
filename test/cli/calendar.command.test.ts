import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each case runs the real binary, as a user would; the cases run concurrently because every start
// of `node bin/upkeep.js` pays for loading TypeScript through tsx.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BERLIN = 'examples/calendars/berlin-business.yaml';
const NEW_YORK = 'examples/calendars/newyork-lunch-night-shift.yaml';

type Run = { code: number | null; stdout: string; stderr: string };

function run(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/upkeep.js', 'calendar', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function calendarFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-calendar-cli-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// [rule, operation, expected result (UTC)] on Mon–Fri 09:00–18:00 Europe/Berlin with DE holidays.
const BERLIN_CASES: Array<[string, Record<string, unknown>, string]> = [
  [
    '16 working hours from Monday opening end Tuesday 16:00 (S3)',
    { op: 'add', at: '2026-11-23T08:00:00Z', duration: '16h' },
    '2026-11-24T15:00:00Z',
  ],
  [
    'a duration ending exactly at closing time shows the closing time',
    { op: 'add', at: '2026-11-23T10:00:00Z', duration: '16h' },
    '2026-11-24T17:00:00Z',
  ],
  [
    'a start on a Saturday counts from Monday opening',
    { op: 'add', at: '2026-11-28T12:00:00Z', duration: '1h' },
    '2026-11-30T09:00:00Z',
  ],
  [
    'a start on a public holiday counts from the next working day (Christmas)',
    { op: 'add', at: '2026-12-25T09:00:00Z', duration: '1h' },
    '2026-12-28T09:00:00Z',
  ],
  [
    'working time across the spring DST change (2026-03-29)',
    { op: 'add', at: '2026-03-27T16:00:00Z', duration: '2h' },
    '2026-03-30T08:00:00Z',
  ],
  [
    'N working days = N × 9 h of working time (S3, R2.4)',
    { op: 'add-days', at: '2026-11-23T09:00:00Z', days: 1 },
    '2026-11-24T09:00:00Z',
  ],
  [
    'same local time on the N-th working day skips Christmas',
    { op: 'add-days', at: '2026-12-23T09:00:00Z', days: 2, semantics: 'same-local-time' },
    '2026-12-28T09:00:00Z',
  ],
  [
    'subtracting across an opening stops at the opening',
    { op: 'subtract', at: '2026-11-24T08:30:00Z', duration: '30m' },
    '2026-11-24T08:00:00Z',
  ],
  [
    'next working instant after Friday closing is Monday opening',
    { op: 'next-working', at: '2026-11-27T17:00:00Z' },
    '2026-11-30T08:00:00Z',
  ],
];

// The same on the New York calendar: lunch 12–13, Friday 22:00–06:00+1, a short day, an extra Saturday, a closure.
const NEW_YORK_CASES: Array<[string, Record<string, unknown>, string]> = [
  [
    'the lunch break is not working time',
    { op: 'add', at: '2026-11-23T16:00:00Z', duration: '2h' },
    '2026-11-23T19:00:00Z',
  ],
  [
    'the Friday overnight shift runs past midnight',
    { op: 'add', at: '2026-11-20T21:00:00Z', duration: '3h' },
    '2026-11-21T05:00:00Z',
  ],
  [
    'a closure (maintenance window) holds no working time',
    { op: 'add', at: '2026-12-01T19:00:00Z', duration: '2h' },
    '2026-12-02T14:00:00Z',
  ],
  [
    'a partial-day exception and a holiday (Thanksgiving)',
    { op: 'add', at: '2026-11-25T16:00:00Z', duration: '2h' },
    '2026-11-27T14:00:00Z',
  ],
  [
    'an extra working Saturday from the exceptions',
    { op: 'add', at: '2026-12-05T15:00:00Z', duration: '1h' },
    '2026-12-05T16:00:00Z',
  ],
];

function batchInput(cases: Array<[string, Record<string, unknown>, string]>): string {
  return cases.map(([, op]) => JSON.stringify(op)).join('\n');
}

describe.concurrent('upkeep calendar', () => {
  it('add prints the result in UTC and in the calendar zone', async () => {
    const out = await run(['add', '--calendar', BERLIN, '--at', '2026-11-23T08:00:00Z', '--duration', '16h']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toBe('2026-11-24T15:00:00Z (2026-11-24T16:00:00+01:00 Europe/Berlin)\n');
  });

  it('add-days --json uses working-day-length by default (R2.4)', async () => {
    const out = await run([
      'add-days',
      '--calendar',
      BERLIN,
      '--at',
      '2026-11-23T10:00:00+01:00',
      '--days',
      '2',
      '--json',
    ]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      op: 'add-days',
      days: 2,
      semantics: 'working-day-length',
      result: '2026-11-25T09:00:00Z',
      resultLocal: '2026-11-25T10:00:00+01:00',
    });
  });

  it('between --json counts working seconds, skipping nights', async () => {
    const out = await run([
      'between',
      '--calendar',
      BERLIN,
      '--from',
      '2026-11-23T08:00:00Z',
      '--to',
      '2026-11-25T08:00:00Z',
      '--json',
    ]);
    expect(JSON.parse(out.stdout)).toMatchObject({ workingSeconds: 18 * 3600, working: '18h' });
  });

  it('is-working --json: the closing instant itself is not working', async () => {
    const out = await run(['is-working', '--calendar', BERLIN, '--at', '2026-11-23T17:00:00Z', '--json']);
    expect(JSON.parse(out.stdout)).toMatchObject({ working: false, nextWorking: '2026-11-24T08:00:00Z' });
  });

  it('next-working on a holiday names the next opening in both zones', async () => {
    const out = await run(['next-working', '--calendar', BERLIN, '--at', '2026-12-25T10:00:00+01:00']);
    expect(out.stdout).toBe('2026-12-28T08:00:00Z (2026-12-28T09:00:00+01:00 Europe/Berlin)\n');
  });

  it('batch answers each line in order on the Berlin calendar', async () => {
    const out = await run(['batch', '--calendar', BERLIN], batchInput(BERLIN_CASES));
    expect(out.code).toBe(0);
    const results = jsonLines(out.stdout);
    BERLIN_CASES.forEach(([rule, , expected], index) => {
      expect({ rule, result: results[index]?.result }).toEqual({ rule, result: expected });
    });
  });

  it('batch on a calendar with a lunch break, an overnight shift, exceptions and a closure', async () => {
    const out = await run(['batch', '--calendar', NEW_YORK], batchInput(NEW_YORK_CASES));
    expect(out.code).toBe(0);
    const results = jsonLines(out.stdout);
    NEW_YORK_CASES.forEach(([rule, , expected], index) => {
      expect({ rule, result: results[index]?.result }).toEqual({ rule, result: expected });
    });
  });

  it('batch reports a bad line on its own line, goes on, and exits non-zero', async () => {
    const lines = [
      'not json',
      '{"op":"add","at":"2026-11-23T08:00:00Z","duration":"-2h","id":"neg"}',
      '{"op":"add","at":"2026-11-23T08:00:00Z","duration":"soon"}',
      '{"op":"add","at":"2026-11-23 08:00","duration":"1h"}',
      '{"op":"teleport"}',
      '{"op":"add-days","at":"2026-11-23T08:00:00Z","days":99999999}',
      '{"op":"is-working","at":"9999-12-31T00:00:00Z"}',
      '{"op":"add","at":"2026-11-23T08:00:00Z","duration":"1h"}',
    ];
    const out = await run(['batch', '--calendar', BERLIN], lines.join('\n'));
    expect(out.code).toBe(1);
    const results = jsonLines(out.stdout);
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false, false, false, true]);
    expect(results[0]).toMatchObject({ line: 1, error: { message: 'line is not valid JSON' } });
    expect(results[1]).toMatchObject({
      id: 'neg',
      error: { message: expect.stringMatching(/^duration: .*cannot be negative/) },
    });
    expect(results[2]).toMatchObject({
      error: { message: expect.stringMatching(/^duration: invalid duration "soon"/) },
    });
    expect(results[3]).toMatchObject({ error: { message: expect.stringMatching(/^at: invalid instant/) } });
    expect(results[4]).toMatchObject({ error: { message: expect.stringMatching(/^op: /) } });
    expect(results[5]).toMatchObject({
      error: { message: expect.stringMatching(/^days: .*from 0 to 10000/) },
    });
    expect(results[6]).toMatchObject({
      error: { message: expect.stringMatching(/^at: .*outside the years 1900-2199/) },
    });
    expect(results[7]).toMatchObject({ line: 8, result: '2026-11-23T09:00:00Z' });
  });

  it('an unknown calendar file is one line on stderr and exit code 2', async () => {
    const out = await run([
      'add',
      '--calendar',
      'no/such/calendar.yaml',
      '--at',
      '2026-11-23T08:00:00Z',
      '--duration',
      '1h',
    ]);
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr: 'upkeep: cannot read calendar file no/such/calendar.yaml: no such file\n',
    });
  });

  it('malformed YAML names the file and the line', async () => {
    const file = calendarFile('broken.yaml', 'timeZone: Europe/Berlin\nweek: [mon: "09:00-18:00"\n');
    const out = await run(['is-working', '--calendar', file, '--at', '2026-11-23T08:00:00Z']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^upkeep: malformed YAML in .*broken\.yaml at line \d+, column \d+: /);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('schema errors name each path and rule: unknown zone, end before start', async () => {
    const file = calendarFile('bad.yaml', 'timeZone: Mars/Olympus\nweek:\n  mon: ["18:00-09:00"]\n');
    const out = await run(['is-working', '--calendar', file, '--at', '2026-11-23T08:00:00Z']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/timeZone: unknown IANA time zone/);
    expect(out.stderr).toMatch(/week\.mon\[0\]: interval "18:00-09:00": end is not after start/);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a negative duration is refused with exit code 2', async () => {
    const out = await run(['add', '--calendar', BERLIN, '--at', '2026-11-23T08:00:00Z', '--duration', '-3h']);
    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toBe('upkeep: duration: invalid duration "-3h": a duration cannot be negative\n');
  });

  it('a bad instant with --json is a JSON error on stdout and exit code 2', async () => {
    const out = await run([
      'add',
      '--calendar',
      BERLIN,
      '--at',
      '2026-11-23T08:00:00',
      '--duration',
      '1h',
      '--json',
    ]);
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stdout)).toMatchObject({
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^at: invalid instant "2026-11-23T08:00:00"/),
      },
    });
  });
});
