import type { ReadStream } from 'node:fs';
import type { Kysely, Selectable } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import type { Backup } from '../../schema/systems.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { type BackupDecision, backupDownloadDecision } from './backup-access.ts';
import { type BackupStore, BackupTooLargeError } from './backup-store.ts';
import type { SystemBackupsTable } from './systems.tables.ts';

export function toBackup(row: Selectable<SystemBackupsTable>): Backup {
  return {
    id: row.id,
    systemId: row.system_id,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    deletedReason: row.deleted_reason,
  };
}

export type UploadInput = {
  system: { id: string; organisationId: string };
  body: NodeJS.ReadableStream;
  maxBytes: number;
  viewer: Viewer;
  clientIp: string | null;
};

/** R4.5: stores the bytes, then records the backup and an audit event in one transaction. */
export async function uploadBackup(
  db: Kysely<Database>,
  store: BackupStore,
  input: UploadInput,
  now: Date,
): Promise<Backup> {
  const stored = await store.put(input.body, input.maxBytes).catch((error: unknown) => {
    if (error instanceof BackupTooLargeError) {
      throw new AppError('PAYLOAD_TOO_LARGE', `A backup may be at most ${error.maxBytes} bytes.`, {
        maxBytes: error.maxBytes,
      });
    }
    throw error;
  });
  const { viewer } = input;
  if (stored.sizeBytes === 0) {
    await store.remove(stored.storageKey);
    throw new AppError('VALIDATION_FAILED', 'Invalid request: body: a backup cannot be empty', [
      { path: 'body', rule: 'too_small', message: 'a backup cannot be empty' },
    ]);
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('system_backups')
        .values({
          id: newId('bak'),
          system_id: input.system.id,
          organisation_id: input.system.organisationId,
          size_bytes: stored.sizeBytes,
          sha256: stored.sha256,
          storage_key: stored.storageKey,
          uploaded_by_api_key_id: viewer.kind === 'staff' ? viewer.apiKeyId : null,
          uploaded_by_account_id: viewer.accountId,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        {
          action: 'backup.uploaded',
          viewer,
          organisationId: input.system.organisationId,
          subjectType: 'backup',
          subjectId: row.id,
          details: { systemId: input.system.id, sizeBytes: stored.sizeBytes, sha256: stored.sha256 },
          clientIp: input.clientIp,
        },
        now,
      );
      return toBackup(row);
    });
  } catch (error) {
    await store.remove(stored.storageKey);
    throw error;
  }
}

export async function listBackups(db: Kysely<Database>, systemId: string): Promise<Backup[]> {
  const rows = await db
    .selectFrom('system_backups')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toBackup);
}

export type Download = { backup: Backup; stream: ReadStream; decision: BackupDecision };

/**
 * R4.5: a backup's bytes for the customer or an agent, only while the system's subscription allows it.
 * Every attempt is audited ('backup.downloaded', outcome 'ok' or the refusal reason); a refusal is
 * 403 NOT_ENTITLED with the decision. Another organisation's backup is 404, like a missing one.
 */
export async function downloadBackup(
  db: Kysely<Database>,
  store: BackupStore,
  input: { backupId: string; viewer: Viewer; organisationId: string | null; clientIp: string | null },
  now: Date,
): Promise<Download> {
  let query = db
    .selectFrom('system_backups')
    .innerJoin('systems', 'systems.id', 'system_backups.system_id')
    .selectAll('system_backups')
    .select('systems.contract_id')
    .where('system_backups.id', '=', input.backupId);
  if (input.organisationId !== null) {
    query = query.where('system_backups.organisation_id', '=', input.organisationId);
  }
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No backup ${input.backupId}.`);
  const backup = toBackup(row);
  if (row.deleted_at !== null) {
    throw new AppError('NOT_FOUND', `The backup ${row.id} was deleted (${row.deleted_reason}).`, {
      deletedAt: backup.deletedAt,
      reason: row.deleted_reason,
    });
  }
  const decision = await decideDownload(db, row.contract_id, now);
  await recordAudit(
    db,
    {
      action: 'backup.downloaded',
      viewer: input.viewer,
      organisationId: row.organisation_id,
      subjectType: 'backup',
      subjectId: row.id,
      outcome: decision.allowed ? 'ok' : decision.reason,
      details: { systemId: row.system_id, decision },
      clientIp: input.clientIp,
    },
    now,
  );
  if (!decision.allowed) {
    throw new AppError(
      'NOT_ENTITLED',
      `Backups download only while the subscription is active (R4.5): ${decision.reason}.`,
      decision,
    );
  }
  return { backup, stream: store.open(row.storage_key), decision };
}

async function decideDownload(
  db: Kysely<Database>,
  contractId: string | null,
  now: Date,
): Promise<BackupDecision> {
  const facts = contractId === null ? undefined : await loadContractFacts(db, contractId);
  if (!facts) return backupDownloadDecision(null, [], civilDateIn(now, 'UTC'));
  return backupDownloadDecision(
    facts.plan,
    facts.terms,
    civilDateIn(now, facts.plan.calendar?.timeZone ?? 'UTC'),
  );
}
