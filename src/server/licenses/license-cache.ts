import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/database-types.ts';
import type { LicenseSnapshot } from './license-decision.ts';
import { loadLicenseSnapshot } from './license-snapshot.repository.ts';

export type LicenseCacheOptions = {
  /** Most snapshots kept (least recently used dropped first). */
  maxEntries: number;
  /** How long a read of the cache epoch is trusted, in ms; 0 = read it on every lookup. */
  epochCheckMs: number;
};

type Entry = { epoch: number; snapshot: LicenseSnapshot };

/**
 * An in-process LRU of license snapshots per key hash (facts, never a decision). Freshness: the
 * database bumps `license_cache_epoch` on every write validation depends on (triggers of migration
 * 0005: terms, contracts, licenses, keys, restrictions, releases), whichever process makes it; an
 * entry is used only while its epoch is the current one. The epoch is re-read at most every
 * `epochCheckMs` (and on the next lookup after `touch()`, which this process calls after its own
 * writes), so another process's write is seen within epochCheckMs, this process's at once.
 */
export class LicenseCache {
  private readonly entries = new Map<string, Entry>();
  private epoch = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private touchedAt = Number.NEGATIVE_INFINITY;
  private pending: { startedAt: number; epoch: Promise<number> } | undefined;
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: LicenseCacheOptions,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /**
   * The cached snapshot without waiting, when the epoch needs no re-read and the entry is current;
   * undefined otherwise (then call get). Saves the promise round trips of the common case.
   */
  peek(keyHash: string): LicenseSnapshot | undefined {
    if (!this.epochTrusted(this.monotonic())) return undefined;
    const entry = this.entries.get(keyHash);
    if (entry === undefined || entry.epoch !== this.epoch) return undefined;
    this.entries.delete(keyHash);
    this.entries.set(keyHash, entry);
    this.hits++;
    return entry.snapshot;
  }

  /** The snapshot for a key hash: from the cache when current, else loaded and cached. */
  async get(keyHash: string): Promise<LicenseSnapshot> {
    const epoch = await this.currentEpoch();
    const entry = this.entries.get(keyHash);
    if (entry && entry.epoch === epoch) {
      this.entries.delete(keyHash);
      this.entries.set(keyHash, entry);
      this.hits++;
      return entry.snapshot;
    }
    this.misses++;
    // Read after the epoch: a write committing in between makes the entry look older than it is
    // (one extra reload later), never newer.
    const snapshot = await loadLicenseSnapshot(this.db, keyHash);
    this.entries.delete(keyHash);
    this.entries.set(keyHash, { epoch, snapshot });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return snapshot;
  }

  /** Makes the next lookup re-read the epoch (call after this process wrote something). */
  touch(): void {
    this.touchedAt = this.monotonic();
  }

  get size(): number {
    return this.entries.size;
  }

  private currentEpoch(): Promise<number> {
    const now = this.monotonic();
    if (this.epochTrusted(now)) return Promise.resolve(this.epoch);
    // One query in flight at a time; lookups share it unless it started before the last touch().
    if (this.pending && this.pending.startedAt > this.touchedAt) return this.pending.epoch;
    const pending = { startedAt: now, epoch: this.readEpoch(now) };
    this.pending = pending;
    const clear = () => {
      if (this.pending === pending) this.pending = undefined;
    };
    pending.epoch.then(clear, clear);
    return pending.epoch;
  }

  private epochTrusted(now: number): boolean {
    return this.checkedAt > this.touchedAt && now - this.checkedAt < this.options.epochCheckMs;
  }

  private async readEpoch(startedAt: number): Promise<number> {
    const { rows } = await sql<{ epoch: string | number }>`
      select epoch from license_cache_epoch where id = 1`.execute(this.db);
    const epoch = Number(rows[0]?.epoch ?? 0);
    if (startedAt >= this.checkedAt) {
      this.epoch = epoch;
      this.checkedAt = startedAt;
    }
    return epoch;
  }
}
