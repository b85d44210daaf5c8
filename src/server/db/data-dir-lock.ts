import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Two PGlite instances on one data directory corrupt it: PGlite runs PostgreSQL in single-user mode
 * and nothing else stops a second process. A lock file `<dataDir>.lock` holds the owner's pid;
 * a lock whose process is gone (e.g. after kill -9) is stale and taken over.
 */
export type DataDirLock = { path: string; release(): void };

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`database directory ${dataDir} in use by process ${pid}`);
  }
}

/** The data directory cannot be created, locked or opened (a file in the way, no permission, read-only disk, not a PGlite data directory). */
export class DataDirUnusableError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(`cannot use the database directory ${dataDir}: ${describeFsError(cause)}`, { cause });
  }
}

function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EEXIST' || code === 'ENOTDIR')
    return 'it, or a folder on its path, is a file, not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === undefined) {
    return `${message} (is it a database directory made by this version of Upkeep? Point UPKEEP_DATA_DIR at an empty or new directory, or restore a backup)`;
  }
  return message;
}

/** Directories this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = `${resolve(dataDir)}.lock`; // resolve: `data/` and `./data` name one lock, beside the directory
  if (heldHere.has(path)) throw new DataDirInUseError(dataDir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      heldHere.add(path);
      return { path, release: () => release(path) };
    }
    const owner = readOwner(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(dataDir, owner);
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not lock database directory ${dataDir} (lock file ${path} keeps reappearing)`);
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(path: string): void {
  if (!heldHere.delete(path)) return;
  if (readOwner(path) === process.pid) rmSync(path, { force: true });
}
