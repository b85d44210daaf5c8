import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('a data directory that is a file is refused in one line, exit code 1, no stack trace (db, admin, serve)', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const expected = `upkeep: cannot use the database directory ${file}: it, or a folder on its path, is a file, not a directory\n`;
    const status = await upkeep(file, 'status');
    expect(status).toMatchObject({ code: 1, stderr: expected });
    const below = await upkeep(join(file, 'data'), 'migrate');
    expect(below.code).toBe(1);
    expect(below.stderr).toMatch(/^upkeep: cannot use the database directory .*a-file\/data: .*\n$/);
    const env: NodeJS.ProcessEnv = { ...process.env, UPKEEP_DATA_DIR: file, PORT: '0' };
    delete env.DATABASE_URL;
    for (const args of [['admin', 'login-link', '--email', 'a@b.co'], ['serve']]) {
      const failed = await run(process.execPath, ['bin/upkeep.js', ...args], { env }).catch((e) => e);
      expect(failed).toMatchObject({ code: 1, stderr: expected });
    }
  });

  it('a damaged data directory is refused in one line, exit code 1, no stack trace', async () => {
    const dataDir = join(root, 'damaged');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'PG_VERSION'), '99\n');
    const result = await upkeep(dataDir, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^upkeep: cannot use the database directory ${dataDir}: [^\n]+\n$`),
    );
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
