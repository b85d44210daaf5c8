import type { Kysely, Selectable } from 'kysely';
import { type ApiKey, SCOPES, type Scope } from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import type { ApiKeysTable } from './auth.tables.ts';
import { newToken, randomAlphanumeric, safeEqual, sha256 } from './secrets.ts';

const KEY_FORMAT = /^upk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export type NewApiKey = {
  name: string;
  scopes: readonly Scope[];
  createdBy: string | null;
  /** A key for one customer system (R4.5): it may act only for that system. */
  systemId?: string | null;
};
/** `systemId` is set for a key created for one customer system; routes check it (src/server/systems). */
export type ApiKeyPrincipal = { apiKeyId: string; scopes: readonly Scope[]; systemId: string | null };

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key `upk_<prefix>_<secret>`. The full key is returned once; only its hash is stored. */
export async function createApiKey(
  db: Kysely<Database>,
  input: NewApiKey,
  now: Date,
): Promise<{ apiKey: ApiKey; key: string }> {
  const prefix = randomAlphanumeric(8);
  const key = `upk_${prefix}_${newToken()}`;
  const row = await db
    .insertInto('api_keys')
    .values({
      id: newId('key'),
      name: input.name,
      prefix,
      key_hash: sha256(key),
      scopes: [...new Set(input.scopes)],
      created_by: input.createdBy,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
      system_id: input.systemId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { apiKey: toApiKey(row), key };
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toApiKey);
}

/** Revokes a key; false when no such key exists. Revoking twice keeps the first revocation time. */
export async function revokeApiKey(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The live key behind a presented secret, recording its use; undefined when malformed, unknown,
 * revoked, or created by an account that is now disabled.
 */
export async function authenticateApiKey(
  db: Kysely<Database>,
  presented: string,
  now: Date,
): Promise<ApiKeyPrincipal | undefined> {
  const match = KEY_FORMAT.exec(presented);
  if (!match) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .leftJoin('accounts', 'accounts.id', 'api_keys.created_by')
    .select(['api_keys.id', 'key_hash', 'scopes', 'api_keys.system_id'])
    .where('prefix', '=', match[1]!)
    .where('revoked_at', 'is', null)
    // A key works only while the account that created it is enabled.
    .where('accounts.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || !safeEqual(row.key_hash, sha256(presented))) return undefined;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  return {
    apiKeyId: row.id,
    scopes: row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    systemId: row.system_id,
  };
}
