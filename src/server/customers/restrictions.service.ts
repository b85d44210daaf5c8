import type { Kysely, Selectable } from 'kysely';
import { planSchema } from '../../core/plan/plan.schema.ts';
import {
  ABUSE_REASON,
  type Restriction,
  type RestrictionCreate,
  RevocableRightSchema,
} from '../../schema/customers.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { OrganisationRestrictionsTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';

type RevocableRight = 'support' | 'updates' | 'refund';
const ALL_RIGHTS: RevocableRight[] = ['support', 'updates', 'refund'];

export function toRestriction(row: Selectable<OrganisationRestrictionsTable>): Restriction {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    reason: row.reason,
    revokes: row.revokes.filter((r): r is RevocableRight => RevocableRightSchema.safeParse(r).success),
    note: row.note,
    startsAt: row.starts_at.toISOString(),
    recordedBy: row.recorded_by,
    liftedAt: row.lifted_at?.toISOString() ?? null,
    liftedBy: row.lifted_by,
    liftNote: row.lift_note,
    active: row.lifted_at === null,
  };
}

/** What the plans of an organisation's contracts say about conduct (R1.3, R1.4); null when it has none. */
export type ConductRules = { reasons: Set<string>; abuseRevokes: Set<RevocableRight> } | null;

export async function conductRulesOf(db: Kysely<Database>, organisationId: string): Promise<ConductRules> {
  const rows = await db
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select('plan_versions.document')
    .where('contracts.organisation_id', '=', organisationId)
    .execute();
  if (rows.length === 0) return null;
  const reasons = new Set<string>([ABUSE_REASON]);
  const abuseRevokes = new Set<RevocableRight>();
  for (const { document } of rows) {
    const { conduct } = planSchema.parse(document);
    for (const reason of conduct.refusalReasons) reasons.add(reason.key);
    for (const right of conduct.abuseRevokes) abuseRevokes.add(right);
  }
  return { reasons, abuseRevokes };
}

export type RecordOutcome =
  | { ok: true; restriction: Restriction }
  | { ok: false; code: 'NOT_FOUND' }
  | { ok: false; code: 'VALIDATION_FAILED'; path: string; message: string };

/**
 * Records a suspension (R1.4: a refusal reason, suspends support until lifted) or a revocation
 * (R1.3: abusive conduct, confirmed by an agent; revokes support, updates and refund by default).
 * When the organisation has contracts, the reason must be one its plans list, or 'abuse'.
 */
export async function recordRestriction(
  db: Kysely<Database>,
  input: { organisationId: string; body: RestrictionCreate; viewer: Viewer; clientIp: string },
  now: Date,
): Promise<RecordOutcome> {
  const { body } = input;
  const startsAt = body.startsAt === undefined ? now : new Date(body.startsAt);
  if (startsAt > now)
    return {
      ok: false,
      code: 'VALIDATION_FAILED',
      path: 'body.startsAt',
      message: 'must not be in the future',
    };
  // Inside a caller's transaction (a confirmed conduct flag) it joins it; otherwise it opens its own.
  return inTransaction(db, async (trx) => {
    const organisation = await trx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', input.organisationId)
      .executeTakeFirst();
    if (!organisation) return { ok: false, code: 'NOT_FOUND' } as const;
    const rules = await conductRulesOf(trx, organisation.id);
    if (rules && !rules.reasons.has(body.reason)) {
      const allowed = [...rules.reasons].sort().join(', ');
      return {
        ok: false,
        code: 'VALIDATION_FAILED',
        path: 'body.reason',
        message: `not a refusal reason of this organisation's plans; one of: ${allowed}`,
      } as const;
    }
    const row = await trx
      .insertInto('organisation_restrictions')
      .values({
        id: newId('rst'),
        organisation_id: organisation.id,
        kind: body.kind,
        reason: body.reason,
        note: body.note,
        revokes: body.revokes ? [...new Set(body.revokes)] : defaultRevokes(body.kind, rules),
        starts_at: startsAt,
        recorded_by: input.viewer.accountId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const restriction = toRestriction(row);
    await audit(trx, `restriction.${body.kind}-recorded`, restriction, input, now);
    await noticeToAdmins(trx, 'customer.restriction-recorded', restriction, now);
    return { ok: true, restriction } as const;
  });
}

function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

function defaultRevokes(kind: RestrictionCreate['kind'], rules: ConductRules): RevocableRight[] {
  if (kind === 'suspension') return ['support'];
  const fromPlans = rules ? ALL_RIGHTS.filter((r) => rules.abuseRevokes.has(r)) : [];
  return fromPlans.length > 0 ? fromPlans : ALL_RIGHTS;
}

/**
 * Lifts a restriction: sets lifted_at/by and the note. Lifting one already lifted changes nothing
 * and returns it as it is (a retried request does no harm).
 */
export async function liftRestriction(
  db: Kysely<Database>,
  input: { organisationId: string; restrictionId: string; note: string; viewer: Viewer; clientIp: string },
  now: Date,
): Promise<Restriction | undefined> {
  return db.transaction().execute(async (trx) => {
    const lifted = await trx
      .updateTable('organisation_restrictions')
      .set({ lifted_at: now, lifted_by: input.viewer.accountId, lift_note: input.note })
      .where('id', '=', input.restrictionId)
      .where('organisation_id', '=', input.organisationId)
      .where('lifted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (lifted) {
      const restriction = toRestriction(lifted);
      await audit(trx, `restriction.${restriction.kind}-lifted`, restriction, input, now);
      await noticeToAdmins(trx, 'customer.restriction-lifted', restriction, now);
      return restriction;
    }
    const row = await trx
      .selectFrom('organisation_restrictions')
      .selectAll()
      .where('id', '=', input.restrictionId)
      .where('organisation_id', '=', input.organisationId)
      .executeTakeFirst();
    return row && toRestriction(row);
  });
}

async function audit(
  trx: Kysely<Database>,
  action: string,
  restriction: Restriction,
  input: { viewer: Viewer; clientIp: string },
  now: Date,
): Promise<void> {
  await recordAudit(
    trx,
    {
      action,
      viewer: input.viewer,
      organisationId: restriction.organisationId,
      subjectType: 'restriction',
      subjectId: restriction.id,
      details: { reason: restriction.reason, revokes: restriction.revokes, liftNote: restriction.liftNote },
      clientIp: input.clientIp,
    },
    now,
  );
}

/**
 * R1.3: a restriction and its reason are visible to the customer — the organisation's active
 * customer-admins are also told by email (one outbox notice each, deduplicated per restriction).
 */
async function noticeToAdmins(
  trx: Kysely<Database>,
  topic: 'customer.restriction-recorded' | 'customer.restriction-lifted',
  restriction: Restriction,
  now: Date,
): Promise<void> {
  const admins = await trx
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('organisation_id', '=', restriction.organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .execute();
  const { id, kind, reason, revokes, note, startsAt, liftedAt, liftNote } = restriction;
  for (const admin of admins) {
    await enqueueNotice(
      trx,
      {
        topic,
        dedupeKey: `${topic}:${id}:${admin.id}`,
        organisationId: restriction.organisationId,
        recipient: admin.email,
        payload: { restrictionId: id, kind, reason, revokes, note, startsAt, liftedAt, liftNote },
      },
      now,
    );
  }
}

/** Restrictions of one organisation, newest first; `active` filters lifted or not. */
export async function listRestrictions(
  db: Kysely<Database>,
  organisationId: string,
  active: boolean | undefined,
): Promise<Restriction[]> {
  let query = db
    .selectFrom('organisation_restrictions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc');
  if (active === true) query = query.where('lifted_at', 'is', null);
  if (active === false) query = query.where('lifted_at', 'is not', null);
  return (await query.execute()).map(toRestriction);
}
