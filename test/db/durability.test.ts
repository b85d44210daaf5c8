import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/server/db/database.ts';
import { DATABASE_URL, postgresNotRun } from '../support/db-harness.ts';

/**
 * A write acknowledged to a caller survives kill -9 (LESSONS.md; electric-sql/pglite#1065).
 * A child process commits rows one transaction at a time and prints each id after its commit
 * returns; we SIGKILL it after N acknowledgements, reopen the data and look for every id.
 * The runs share one data directory, so each run also recovers from the previous kill.
 * While the last run writes, opening its PGlite directory from here must be refused.
 * Measured: ~8 ms per acknowledged commit on PGlite; a fresh data directory (initdb) takes 4–12 s.
 */
const ACKS_BEFORE_KILL = [1, 8, 60];

type Target = {
  childArgs: string[];
  reopen(): Promise<DatabaseHandle>;
  cleanup(): Promise<void>;
  /** Checked once while the child is writing (PGlite: a second process must be refused). */
  whileChildRuns?: (childPid: number) => Promise<void>;
};

/**
 * Runs the child until `acks` commits are acknowledged (and `whileRunning` has finished, if
 * given), kill -9s it, returns every acknowledged id.
 */
function runAndKill(
  childArgs: string[],
  acks: number,
  whileRunning?: (childPid: number) => Promise<void>,
): Promise<{ acked: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/db/durability-child.ts', ...childArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffered = '';
    let stderr = '';
    let checked: Promise<void> | undefined = whileRunning ? undefined : Promise.resolve();
    let failure: unknown;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line !== 'ready') acked.push(line);
      if (acked.length > 0 && !checked && whileRunning && child.pid) {
        checked = whileRunning(child.pid).catch((error: unknown) => {
          failure = error;
        });
      }
      if (acked.length >= acks) void checked?.then(() => child.kill('SIGKILL'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (failure) reject(failure);
      else if (signal !== 'SIGKILL')
        reject(new Error(`durability child exited by itself (${signal}): ${stderr}`));
      else resolve({ acked });
    });
  });
}

async function storedIds(handle: DatabaseHandle): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`select id from durability_probe`.execute(handle.db);
  return new Set(rows.map((r) => r.id));
}

function durabilitySuite(name: string, makeTarget: () => Promise<Target>): void {
  describe(`durability after kill -9 [${name}]`, () => {
    let target: Target | undefined;
    afterAll(async () => target?.cleanup());

    it(`every acknowledged commit is there after kill -9, whole (killed after ${ACKS_BEFORE_KILL.join(', ')} acks)`, async () => {
      target = await makeTarget();
      const everAcked: string[] = [];
      for (const [i, acks] of ACKS_BEFORE_KILL.entries()) {
        const last = i === ACKS_BEFORE_KILL.length - 1;
        const run = await runAndKill(target.childArgs, acks, last ? target.whileChildRuns : undefined);
        expect(run.acked.length).toBeGreaterThanOrEqual(acks);
        everAcked.push(...run.acked);
      }
      // Checked once at the end (a reopen costs seconds): ids are unique per run, so a row lost in
      // any run is still missing now; runs 2 and 3 have already recovered from the kill before them.
      const handle = await target.reopen();
      try {
        const stored = await storedIds(handle);
        expect(everAcked.filter((id) => !stored.has(id))).toEqual([]);
        const rows = [...stored].filter((id) => !id.endsWith('-twin'));
        expect(rows.filter((id) => !stored.has(`${id}-twin`))).toEqual([]); // no half transaction
        expect(stored.size).toBe(rows.length * 2);
      } finally {
        await handle.close();
      }
    }, 120_000);
  });
}

durabilitySuite('pglite', async () => {
  const root = mkdtempSync(join(tmpdir(), 'upkeep-durability-'));
  const dataDir = join(root, 'data');
  return {
    childArgs: ['pglite', dataDir],
    reopen: () => openPglite({ dataDir }),
    whileChildRuns: async (childPid) => {
      await expect(openPglite({ dataDir })).rejects.toThrow(
        `database directory ${dataDir} in use by process ${childPid}`,
      );
    },
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});

if (DATABASE_URL) {
  const url = DATABASE_URL;
  durabilitySuite('postgres', async () => {
    const schema = `t_durability_${process.pid}`;
    const admin = await openPostgres({ connectionString: url, maxConnections: 1 });
    await sql.raw(`create schema ${schema}`).execute(admin.db);
    return {
      childArgs: ['postgres', url, schema],
      reopen: () => openPostgres({ connectionString: url, searchPath: schema }),
      cleanup: async () => {
        await sql.raw(`drop schema ${schema} cascade`).execute(admin.db);
        await admin.close();
      },
    };
  });
}

// PostgreSQL only: PGlite has no server to lose.
if (DATABASE_URL) {
  describe('a PostgreSQL server that drops our connections [postgres]', () => {
    it('an idle connection killed by the server is reported, not fatal; the next query reconnects', async () => {
      const errors: Error[] = [];
      const handle = await openPostgres({
        connectionString: DATABASE_URL ?? '',
        onIdleError: (error) => errors.push(error),
      });
      const admin = await openPostgres({ connectionString: DATABASE_URL ?? '' });
      try {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
        const pid = rows[0]?.pid;
        await sql`select pg_terminate_backend(${pid}::int)`.execute(admin.db);
        await expect.poll(() => errors.length).toBe(1);
        const again = await sql<{ ok: number }>`select 1 as ok`.execute(handle.db);
        expect(again.rows).toEqual([{ ok: 1 }]);
      } finally {
        await handle.close();
        await admin.close();
      }
    });
  });
}

if (!DATABASE_URL) postgresNotRun('durability after kill -9; dropped connections');
