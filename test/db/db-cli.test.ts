import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'upkeep-db-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `upkeep db …` on the embedded database in `dataDir`; never throws, returns the exit code. */
async function upkeep(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, UPKEEP_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/upkeep.js', 'db', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('upkeep db migrate | status', () => {
  // Two spawns only: the first creates the data directory (initdb, several seconds).
  it('migrate applies the migrations; status then reports every one applied', async () => {
    const dataDir = join(root, 'fresh');
    const first = await upkeep(dataDir, 'migrate', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ backend: 'pglite', database: dataDir });
    expect(JSON.parse(first.stdout).applied[0]).toBe('0001_plans');
    const status = JSON.parse((await upkeep(dataDir, 'status', '--json')).stdout);
    expect(status.pending).toEqual([]);
    expect(status.migrations[0]).toMatchObject({ name: '0001_plans', appliedAt: expect.any(String) });
  });

  it('a directory in use by another process is refused with its pid, exit code 1, no stack trace', async () => {
    const dataDir = join(root, 'locked');
    writeFileSync(`${dataDir}.lock`, `${process.pid}\n`); // this test process is alive
    const result = await upkeep(dataDir, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `upkeep: database directory ${dataDir} in use by process ${process.pid}: stop "upkeep serve" first\n`,
    );
  });
});
