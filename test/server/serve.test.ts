import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with everything printed once `pattern` appears on stderr; rejects if the process exits first. */
function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; got:\n${output}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`upkeep serve exited with ${code} before printing ${pattern}:\n${output}`));
    });
  });
}

describe('upkeep serve --demo (a real process)', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  function serve(dataDir: string, port: number): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      UPKEEP_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/upkeep.js', 'serve', '--demo'], { cwd: ROOT, env });
    children.push(child);
    return child;
  }

  it('starts on a fresh data directory, prints where to open it and a one-time link, serves /health and /docs, stops on SIGTERM', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'upkeep-serve-')), 'data');
    dirs.push(join(dataDir, '..'));
    const port = await freePort();
    const child = serve(dataDir, port);
    const printed = await waitFor(child, /one-time\/[A-Za-z0-9_-]{43}/, 50_000);
    const base = `http://127.0.0.1:${port}`;
    expect(printed).toContain(`open      ${base}/`);
    expect(printed).toContain(`API docs  ${base}/docs`);
    expect(printed).toContain(`health    ${base}/health`);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const plans = await fetch(`${base}/v1/plans`);
    expect(plans.status).toBe(401);

    const second = serve(dataDir, await freePort());
    const refused = await new Promise<string>((resolve) => {
      let err = '';
      second.stderr?.on('data', (c: Buffer) => {
        err += c.toString();
      });
      second.once('exit', (code) => resolve(`${code}:${err}`));
    });
    expect(refused).toMatch(/^2:upkeep: the database directory .* is in use by process \d+/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a HOST it cannot listen on is one line and exit 1, no stack trace; the data directory is released', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'upkeep-serve-')), 'data');
    dirs.push(join(dataDir, '..'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', UPKEEP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    env.HOST = '192.0.2.1'; // TEST-NET-1: an address this machine does not have
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/upkeep.js', 'serve'], { cwd: ROOT, env });
    children.push(child);
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toBe('upkeep: cannot listen on 192.0.2.1 port 0 (EADDRNOTAVAIL); check HOST and PORT\n');
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 60_000);
});
