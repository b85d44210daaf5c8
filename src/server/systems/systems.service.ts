import type { Kysely, Selectable } from 'kysely';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { ItemKind, System, SystemItem } from '../../schema/systems.schema.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { SystemItemsTable, SystemsTable } from './systems.tables.ts';

/**
 * The customer's system inventory (R4.1): systems and their items. Every read takes the viewer's
 * organisation filter (null for staff): another organisation's system is undefined, like a missing one.
 */

export function toSystem(row: Selectable<SystemsTable>): System {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    contractId: row.contract_id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
  };
}

export function toItem(row: Selectable<SystemItemsTable>): SystemItem {
  return {
    id: row.id,
    systemId: row.system_id,
    kind: row.kind as ItemKind,
    label: row.label,
    assignedTo: row.assigned_to,
    createdAt: row.created_at.toISOString(),
    removedAt: row.removed_at?.toISOString() ?? null,
  };
}

export type NewSystem = { organisationId: string; name: string; contractId: string | null };

/** Creates a system; its contract, when named, must belong to the same organisation (else 404). */
export async function createSystem(db: Kysely<Database>, input: NewSystem, now: Date): Promise<System> {
  const org = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', input.organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('NOT_FOUND', `No organisation ${input.organisationId}.`);
  if (input.contractId !== null) await requireOwnContract(db, input.contractId, input.organisationId);
  const row = await db
    .insertInto('systems')
    .values({
      id: newId('sys'),
      organisation_id: input.organisationId,
      contract_id: input.contractId,
      name: input.name,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSystem(row);
}

/** Checks that a contract belongs to the organisation; 404 otherwise (another's reads as missing). */
async function requireOwnContract(
  db: Kysely<Database>,
  contractId: string,
  organisationId: string,
): Promise<void> {
  const contract = await db
    .selectFrom('contracts')
    .select('id')
    .where('id', '=', contractId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!contract) throw new AppError('NOT_FOUND', `No contract ${contractId} of this organisation.`);
}

export type SystemChange = { name?: string | undefined; contractId?: string | null | undefined };

/** Renames a system or (un)links its contract; an empty change returns it as it is. */
export async function updateSystem(
  db: Kysely<Database>,
  system: System,
  change: SystemChange,
): Promise<System> {
  if (change.contractId !== undefined && change.contractId !== null) {
    await requireOwnContract(db, change.contractId, system.organisationId);
  }
  const set: { name?: string; contract_id?: string | null } = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.contractId !== undefined) set.contract_id = change.contractId;
  if (Object.keys(set).length === 0) return system;
  const row = await db
    .updateTable('systems')
    .set(set)
    .where('id', '=', system.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSystem(row);
}

export async function findSystem(
  db: Kysely<Database>,
  id: string,
  organisationId: string | null,
): Promise<System | undefined> {
  let query = db.selectFrom('systems').selectAll().where('id', '=', id);
  if (organisationId !== null) query = query.where('organisation_id', '=', organisationId);
  const row = await query.executeTakeFirst();
  return row && toSystem(row);
}

/** The system or a 404 that reads exactly like a missing one. */
export async function requireSystem(
  db: Kysely<Database>,
  id: string,
  organisationId: string | null,
): Promise<System> {
  const system = await findSystem(db, id, organisationId);
  if (!system) throw new AppError('NOT_FOUND', `No system ${id}.`);
  return system;
}

export type SystemListQuery = { limit: number; cursor?: string | undefined; organisationId: string | null };

export async function listSystems(db: Kysely<Database>, query: SystemListQuery): Promise<Page<System>> {
  let select = db
    .selectFrom('systems')
    .selectAll()
    .orderBy('id')
    .limit(query.limit + 1);
  if (query.organisationId !== null) select = select.where('organisation_id', '=', query.organisationId);
  if (query.cursor !== undefined) select = select.where('id', '>', query.cursor);
  return toPage(await select.execute(), query.limit, (r) => r.id, toSystem);
}

/** The items that exist now (removed ones excluded), oldest first. */
export async function listLiveItems(
  db: Kysely<Database>,
  systemIds: readonly string[],
): Promise<SystemItem[]> {
  if (systemIds.length === 0) return [];
  const rows = await db
    .selectFrom('system_items')
    .selectAll()
    .where('system_id', 'in', systemIds)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

export type NewItem = { kind: ItemKind; label: string; assignedTo: string | null };

export async function addItem(
  db: Kysely<Database>,
  systemId: string,
  input: NewItem,
  now: Date,
): Promise<SystemItem> {
  const assignedTo = input.assignedTo?.trim() ? input.assignedTo.trim() : null;
  const row = await db
    .insertInto('system_items')
    .values({
      id: newId('sit'),
      system_id: systemId,
      kind: input.kind,
      label: input.label,
      assigned_to: assignedTo,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toItem(row);
}

/** Marks an item removed; removing twice keeps the first time. Undefined when the system has no such item. */
export async function removeItem(
  db: Kysely<Database>,
  systemId: string,
  itemId: string,
  now: Date,
): Promise<SystemItem | undefined> {
  const row = await db
    .updateTable('system_items')
    .set((eb) => ({ removed_at: eb.fn.coalesce('removed_at', eb.val(now)) }))
    .where('id', '=', itemId)
    .where('system_id', '=', systemId)
    .returningAll()
    .executeTakeFirst();
  return row && toItem(row);
}

/** The API keys made for a system (POST /v1/systems/:id/api-keys), newest first; never their secrets. */
export async function listSystemKeys(db: Kysely<Database>, systemId: string) {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('system_id', '=', systemId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes every live key of a system (a leaked or replaced device); returns how many. */
export async function revokeSystemKeys(db: Kysely<Database>, systemId: string, now: Date): Promise<number> {
  const rows = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('system_id', '=', systemId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}
