import type { Kysely, Selectable } from 'kysely';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { Modification } from '../../schema/ticket-work.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import type { ContractModificationsTable } from './tickets.tables.ts';

const orgOf = (viewer: Viewer) => (viewer.kind === 'customer' ? viewer.organisationId : null);

/**
 * R2.11 (S3 2.2): a defect fixed for one customer is stored as a completed modification with that
 * customer's contract, so the next engineer (and the customer) can find it. A named ticket must be
 * one of this contract's: a modification filed under another customer's contract would leak it.
 */
export async function storeModification(
  db: Kysely<Database>,
  viewer: Viewer,
  contractId: string,
  input: { ticketId?: string | undefined; title: string; description: string },
  now: Date,
): Promise<Modification> {
  return db.transaction().execute(async (trx) => {
    const contract = await trx
      .selectFrom('contracts')
      .select(['id', 'organisation_id'])
      .where('id', '=', contractId)
      .executeTakeFirst();
    if (!contract) throw new AppError('NOT_FOUND', `No contract ${contractId}.`);
    if (input.ticketId !== undefined) await requireTicketOf(trx, contractId, input.ticketId);
    const row = await trx
      .insertInto('contract_modifications')
      .values({
        id: newId('mod'),
        contract_id: contractId,
        ticket_id: input.ticketId ?? null,
        title: input.title,
        description: input.description,
        created_by: viewer.accountId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const details = { modificationId: row.id, ticketId: row.ticket_id, title: row.title };
    await recordAudit(
      trx,
      {
        action: 'contract.modification-stored',
        viewer,
        organisationId: contract.organisation_id,
        subjectType: 'contract',
        subjectId: contractId,
        details,
      },
      now,
    );
    await enqueueNotice(
      trx,
      {
        topic: 'contract.modification-stored',
        dedupeKey: `contract.modification-stored:${row.id}`,
        organisationId: contract.organisation_id,
        payload: { contractId, ...details },
      },
      now,
    );
    return toModification(row);
  });
}

async function requireTicketOf(trx: Kysely<Database>, contractId: string, ticketId: string): Promise<void> {
  const ticket = await trx
    .selectFrom('tickets')
    .select(['id', 'contract_id'])
    .where('id', '=', ticketId)
    .executeTakeFirst();
  if (!ticket)
    throw new AppError('UNKNOWN_REFERENCE', `Invalid request: body.ticketId: no ticket ${ticketId}`, [
      { path: 'body.ticketId', rule: 'exists', message: `no ticket ${ticketId}` },
    ]);
  if (ticket.contract_id === contractId) return;
  const message = `ticket ${ticketId} is not a ticket of contract ${contractId}`;
  throw new AppError('VALIDATION_FAILED', `Invalid request: body.ticketId: ${message}`, [
    { path: 'body.ticketId', rule: 'same_contract', message },
  ]);
}

/** A contract's completed modifications, oldest first; a customer sees only its own contracts' (else 404). */
export async function listModifications(
  db: Kysely<Database>,
  viewer: Viewer,
  contractId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Modification>> {
  let contract = db.selectFrom('contracts').select('id').where('id', '=', contractId);
  const own = orgOf(viewer);
  if (own !== null) contract = contract.where('organisation_id', '=', own);
  if (!(await contract.executeTakeFirst())) throw new AppError('NOT_FOUND', `No contract ${contractId}.`);
  let q = db.selectFrom('contract_modifications').selectAll().where('contract_id', '=', contractId);
  if (page.cursor) q = q.where('id', '>', page.cursor);
  const rows = await q
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (r) => r.id, toModification);
}

function toModification(r: Selectable<ContractModificationsTable>): Modification {
  return {
    id: r.id,
    contractId: r.contract_id,
    ticketId: r.ticket_id,
    title: r.title,
    description: r.description,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}
