import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editedPreset } from './plan-helpers.ts';

const BIN = new URL('../../bin/upkeep.js', import.meta.url).pathname;

type Run = { code: number | null; stdout: string; stderr: string };

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The CLI starts slowly (tsx), so every run starts at once and each test awaits its own result.
const dir = mkdtempSync(join(tmpdir(), 'upkeep-plan-'));
const bad = join(dir, 'bad.yaml');
writeFileSync(
  bad,
  // biome-ignore lint/suspicious/noExplicitAny: the test pokes arbitrary paths of a raw document
  editedPreset('business-sla', (d: Record<string, any>) => {
    d.calendar.timeZone = 'Mars/Olympus';
    d.categories[2].targets.resolution.within = '-8h';
  }),
);
const runs = {
  list: run('plan', 'list', '--json'),
  invalid: run('plan', 'validate', bad),
  missing: run('plan', 'validate', join(dir, 'missing.yaml')),
  explain: run('plan', 'explain', 'annual-maintenance'),
  due: run(
    'sla',
    'due',
    '--plan',
    'business-sla',
    '--category',
    '3.1',
    '--at',
    '2026-11-27T17:30:00+03:00',
    '--json',
  ),
  unknown: run('sla', 'due', '--plan', 'business-sla', '--category', '7', '--at', '2026-11-27T17:30'),
};

describe('upkeep plan and sla (spawned CLI)', () => {
  it('plan list shows the five presets', async () => {
    const { code, stdout } = await runs.list;
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { name: string; valid: boolean }[];
    expect(rows.map((r) => [r.name, r.valid])).toEqual([
      ['addon-support', true],
      ['annual-maintenance', true],
      ['business-sla', true],
      ['per-user-subscription', true],
      ['ticket-desk', true],
    ]);
  });

  it('plan validate: exit 1 with every error and its path, 2 unreadable (exit 0: see plan list)', async () => {
    const invalid = await runs.invalid;
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/calendar\.timeZone: unknown IANA time zone \(line \d+, column \d+\)/);
    expect(invalid.stderr).toMatch(
      /categories\[2\]\.targets\.resolution\.within: expected a positive duration/,
    );
    expect(invalid.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const missing = await runs.missing;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*missing\.yaml/);
  });

  it('plan explain reads like the seed', async () => {
    const { code, stdout } = await runs.explain;
    expect(code).toBe(0);
    expect(stdout).toContain('Support and maintenance runs for 1 year from the purchase date (R0.1).');
    expect(stdout).toContain(
      'A renewal after expiry is backdated to the old expiry date; service resumes from the payment date (R0.4).',
    );
  });

  it('sla due: Fri 17:30 Moscow → engineer by Mon 09:30, resolution Mon 17:30 (R2.4, S3)', async () => {
    const { code, stdout } = await runs.due;
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { due: { kind: string; dueAtLocal: string }[] };
    expect(body.due.map((d) => [d.kind, d.dueAtLocal])).toEqual([
      ['assignment', '2026-11-30T09:30:00+03:00[Europe/Moscow]'],
      ['resolution', '2026-11-30T17:30:00+03:00[Europe/Moscow]'],
    ]);
  });

  it('sla due: unknown category lists the valid ids', async () => {
    const unknown = await runs.unknown;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--category: unknown category "7"; valid ids: 1, 2, 2.1, 2.2, 2.3, 2.4, 3, 3.1',
    );
  });
});
