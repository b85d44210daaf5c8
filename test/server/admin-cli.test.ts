import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../src/server/db/data-dir-lock.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'upkeep-admin-cli-'));
const dataDir = join(dir, 'data');

function upkeep(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    UPKEEP_DATA_DIR: dataDir,
    UPKEEP_PUBLIC_URL: 'https://desk.example.test',
    LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  const run = spawnSync(process.execPath, ['bin/upkeep.js', 'admin', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('upkeep admin (real processes on an embedded database)', () => {
  it('create makes an account and prints its link; login-link prints a fresh one; bad input and unknown emails exit non-zero', () => {
    const created = upkeep('create', '--email', 'Ops@Example.test', '--role', 'admin', '--json');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout);
    expect(body.account).toMatchObject({
      email: 'ops@example.test',
      name: 'Ops',
      role: 'admin',
      hasPassword: false,
    });
    expect(body.loginLink.url).toMatch(
      /^https:\/\/desk\.example\.test\/v1\/auth\/one-time\/[A-Za-z0-9_-]{43}$/,
    );

    const link = upkeep('login-link', '--email', 'ops@example.test');
    expect(link.code).toBe(0);
    expect(link.stdout).toMatch(/One-time sign-in link for ops@example\.test \(admin\)/);
    const url = /https:\/\/\S+/.exec(link.stdout)?.[0];
    expect(url).toMatch(/\/v1\/auth\/one-time\/[A-Za-z0-9_-]{43}$/);
    expect(url).not.toBe(body.loginLink.url);

    const unknown = upkeep('login-link', '--email', 'ghost@example.test');
    expect(unknown).toMatchObject({ code: 1, stderr: 'upkeep: no account with email ghost@example.test\n' });
    const badRole = upkeep('create', '--email', 'x@example.test', '--role', 'owner');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/^upkeep: --role: /);
    const taken = upkeep('create', '--email', 'OPS@example.test', '--role', 'agent');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('exists already');
  }, 120_000);

  it('while another process (a running server) holds the embedded database, says so plainly and exits 1', () => {
    mkdirSync(dataDir, { recursive: true });
    const lock = acquireDataDirLock(dataDir);
    try {
      const refused = upkeep('login-link', '--email', 'ops@example.test');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^upkeep: the embedded database .* is in use by process \d+ \(a running "upkeep serve"\?\)/,
      );
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    } finally {
      lock.release();
    }
  });
});
