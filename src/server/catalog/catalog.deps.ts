import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { ReleaseHooks } from './release-hooks.ts';

export type CatalogDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  /** Run in the transaction of every published release (R0.3 key issuance). */
  releaseHooks: ReleaseHooks;
  /** Where artifact bytes live; default: a directory store at config.artifactDir. */
  store: ArtifactStore;
};
