import type { Kysely, Selectable } from 'kysely';
import type { Organisation, OrganisationUpdate } from '../../schema/customers.schema.ts';
import type { OrganisationsTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

type OrganisationRow = Selectable<OrganisationsTable>;

export function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    name: row.name,
    externalRef: row.external_ref,
    createdAt: row.created_at.toISOString(),
  };
}

export type OrganisationWrite =
  | { ok: true; organisation: Organisation }
  | { ok: false; code: 'ALREADY_EXISTS'; existingId: string };

/** Creates an organisation; a taken external reference gives ALREADY_EXISTS with the holder's id. */
export async function createOrganisation(
  db: Kysely<Database>,
  input: { name: string; externalRef?: string | undefined },
  now: Date,
): Promise<OrganisationWrite> {
  const row = await db
    .insertInto('organisations')
    .values({ id: newId('org'), name: input.name, external_ref: input.externalRef ?? null, created_at: now })
    .onConflict((oc) => oc.column('external_ref').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { ok: true, organisation: toOrganisation(row) };
  return { ok: false, code: 'ALREADY_EXISTS', existingId: await holderOf(db, input.externalRef ?? '') };
}

async function holderOf(db: Kysely<Database>, externalRef: string): Promise<string> {
  const row = await db
    .selectFrom('organisations')
    .select('id')
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
  return row?.id ?? '';
}

/** One organisation; `organisationId` limits a customer to its own (another's is undefined, like a missing one). */
export async function findOrganisation(
  db: Kysely<Database>,
  id: string,
  organisationId: string | null,
): Promise<Organisation | undefined> {
  if (organisationId !== null && organisationId !== id) return undefined;
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOrganisation(row);
}

export async function listOrganisations(
  db: Kysely<Database>,
  page: {
    limit: number;
    cursor?: string | undefined;
    q?: string | undefined;
    externalRef?: string | undefined;
  },
): Promise<{ items: Organisation[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('organisations')
    .selectAll()
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) query = query.where('id', '>', page.cursor);
  if (page.q !== undefined) query = query.where('name', 'ilike', `%${escapeLike(page.q)}%`);
  if (page.externalRef !== undefined) query = query.where('external_ref', '=', page.externalRef);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toOrganisation);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

/** LIKE wildcards in a search text match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type OrganisationUpdateOutcome = OrganisationWrite | { ok: false; code: 'NOT_FOUND' };

export async function updateOrganisation(
  db: Kysely<Database>,
  id: string,
  change: OrganisationUpdate,
): Promise<OrganisationUpdateOutcome> {
  if (change.externalRef) {
    const holder = await holderOf(db, change.externalRef);
    if (holder !== '' && holder !== id) return { ok: false, code: 'ALREADY_EXISTS', existingId: holder };
  }
  try {
    const row = await db
      .updateTable('organisations')
      .set({
        ...(change.name === undefined ? {} : { name: change.name }),
        ...(change.externalRef === undefined ? {} : { external_ref: change.externalRef }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? { ok: true, organisation: toOrganisation(row) } : { ok: false, code: 'NOT_FOUND' };
  } catch (error) {
    // A concurrent update took the reference between the check and the write.
    if (isUniqueViolation(error) && change.externalRef)
      return { ok: false, code: 'ALREADY_EXISTS', existingId: await holderOf(db, change.externalRef) };
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
