import type { Kysely } from 'kysely';
import { addDays, civilDateIn, compareCivilDates, daysBetween } from '../../core/contract/civil-date.ts';
import { coveredUntil } from '../../core/contract/coverage.queries.ts';
import { planSchema } from '../../core/plan/plan.schema.ts';
import type { Database } from '../db/database-types.ts';
import { type JobHandler, scheduleJob } from '../jobs/job-queue.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { loadTerms } from './contract-facts.ts';

export const LAPSE_NOTICES_JOB = 'lapse-notices';
const EVERY_MS = 60 * 60 * 1000;
/** A lapse is announced within this many days of it (a server down for a while still tells). */
const LAPSE_NOTICE_DAYS = 7;

/**
 * Lapse consequences as notices (R4.3, the plan's lapse.reminderDaysBeforeExpiry): for every
 * contract, a `contract.expiry-reminder` on each reminder day before its coverage ends and a
 * `contract.lapsed` once it has ended. Each notice's dedupe key names the contract, the expiry date
 * and the reminder, so a re-run — or a renewal that moves the expiry — writes each one exactly once.
 * Runs hourly from the job queue; the mail worker delivers the outbox.
 */
export const runLapseNoticesJob: JobHandler = async (trx, job, now) => {
  const contracts = await trx
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select(['contracts.id', 'contracts.organisation_id', 'plan_versions.document'])
    .execute();
  for (const contract of contracts) {
    const plan = planSchema.parse(contract.document);
    const until = coveredUntil(await loadTerms(trx, contract.id));
    if (!until) continue;
    const today = civilDateIn(now, plan.calendar?.timeZone ?? 'UTC');
    const notice = (topic: string, key: string, payload: Record<string, unknown>) =>
      enqueueNotice(
        trx,
        {
          topic,
          dedupeKey: `${topic}:${contract.id}:${until.expiresOn}${key}`,
          organisationId: contract.organisation_id,
          payload: { contractId: contract.id, expiresOn: until.expiresOn, ...payload },
        },
        now,
      );
    if (compareCivilDates(today, until.expiresOn) >= 0) {
      // Only a recent lapse: contracts imported or found lapsed long ago are not announced now.
      if (compareCivilDates(addDays(until.expiresOn, LAPSE_NOTICE_DAYS), today) > 0)
        await notice('contract.lapsed', '', { lapsedOn: until.expiresOn });
      continue;
    }
    // The latest reminder day already reached (a server down for days sends one, not a burst).
    const due = plan.lapse.reminderDaysBeforeExpiry
      .filter((days) => compareCivilDates(today, addDays(until.expiresOn, -days)) >= 0)
      .sort((a, b) => a - b)[0];
    // daysLeft: the days actually left when the reminder is written (a server down for a while is late).
    if (due !== undefined)
      await notice('contract.expiry-reminder', `:${due}d`, {
        daysBefore: due,
        daysLeft: daysBetween(today, until.expiresOn),
      });
  }
  await scheduleJob(trx, { kind: job.kind, key: job.key, runAt: new Date(now.getTime() + EVERY_MS) }, now);
};

/** Starts the hourly lapse-notice job (idempotent: one row, key `lapse-notices`). */
export async function scheduleLapseNotices(db: Kysely<Database>, now: Date): Promise<void> {
  await scheduleJob(db, { kind: LAPSE_NOTICES_JOB, key: LAPSE_NOTICES_JOB, runAt: now }, now);
}
