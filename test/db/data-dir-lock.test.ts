import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError } from '../../src/server/db/data-dir-lock.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'upkeep-lock-')), 'data');
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** A pid that belongs to no running process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('one process per PGlite data directory', () => {
  it('the lock file holds our pid and goes away on release', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('a directory held by a live process is refused, naming the process', () => {
    const dir = freshDir();
    writeFileSync(`${dir}.lock`, `${process.ppid}\n`); // the parent of this test process is alive
    expect(() => acquireDataDirLock(dir)).toThrow(new DataDirInUseError(dir, process.ppid).message);
    expect(() => acquireDataDirLock(dir)).toThrow(/^database directory .* in use by process \d+$/);
  });

  it('a second open in the same process is refused', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${process.pid}`);
    lock.release();
    acquireDataDirLock(dir).release();
  });

  it('spellings of one directory share one lock beside it', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(`${dir}/`);
    expect(existsSync(`${dir}.lock`)).toBe(true);
    expect(() => acquireDataDirLock(`${dir}/../data`)).toThrow(/in use by process/);
    lock.release();
  });

  it('a stale lock left by a killed process is taken over', () => {
    const dir = freshDir();
    writeFileSync(`${dir}.lock`, `${deadPid()}\n`);
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
