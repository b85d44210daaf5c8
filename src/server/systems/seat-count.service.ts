import type { Kysely } from 'kysely';
import { countUsers, type UserCount, type UserCounting } from '../../core/pricing/seat-count.ts';
import type { UserCountResponse } from '../../schema/systems.schema.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { listLiveItems } from './systems.service.ts';

/**
 * R4.1 as S4 states it, for counting an organisation's systems before any per-user contract names
 * its own rule (a purchase quote). A contract's plan always wins when there is one.
 */
export const R41_COUNTING: UserCounting = {
  counted: ['desk-phone', 'cordless-phone', 'conference-speakerphone', 'extension', 'app-user'],
  notCounted: ['voicemail-box', 'greeting-menu'],
  onePersonCountsOnce: true,
  unassignedItemsCountEach: true,
};

export type SeatCountOptions = {
  /** The rule to count by (a per-user plan's `price.counting`); default: the linked contract's plan, else R4.1. */
  counting?: UserCounting | undefined;
  /** Count only the systems linked to this contract; default: every system of the organisation. */
  contractId?: string | undefined;
};

export type SeatCount = UserCount & { systemIds: string[] };

/**
 * Counted users over an organisation's systems (R4.1), for per-user prices and added users (R4.2).
 * All items of the systems are counted as ONE list: a person with a desk phone on one system and the
 * app on another counts once. Undefined when the organisation has no system in scope (no inventory:
 * the caller must be told the seats).
 * @example (await countSeats(db, 'org_…'))?.count // 12
 */
export async function countSeatsDetailed(
  db: Kysely<Database>,
  organisationId: string,
  options: SeatCountOptions = {},
): Promise<SeatCount | undefined> {
  let query = db
    .selectFrom('systems')
    .select(['id', 'contract_id'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id');
  if (options.contractId !== undefined) query = query.where('contract_id', '=', options.contractId);
  const systems = await query.execute();
  if (systems.length === 0) return undefined;
  const counting = options.counting ?? (await linkedCounting(db, systems)) ?? R41_COUNTING;
  const items = await listLiveItems(
    db,
    systems.map((s) => s.id),
  );
  return { ...countUsers(items, counting), systemIds: systems.map((s) => s.id) };
}

/** The number of counted users, or undefined without a system inventory. See countSeatsDetailed. */
export async function countSeats(
  db: Kysely<Database>,
  organisationId: string,
  options: SeatCountOptions = {},
): Promise<number | undefined> {
  return (await countSeatsDetailed(db, organisationId, options))?.count;
}

async function linkedCounting(
  db: Kysely<Database>,
  systems: readonly { contract_id: string | null }[],
): Promise<UserCounting | undefined> {
  for (const contractId of new Set(systems.flatMap((s) => s.contract_id ?? []))) {
    const facts = await loadContractFacts(db, contractId);
    if (facts?.plan.price.rule === 'per-user') return facts.plan.price.counting;
  }
  return undefined;
}

/**
 * GET /v1/systems/:id/user-count: the system's live items counted by its contract's per-user plan.
 * A system without a contract, or under a plan that is not priced per user, has no count: 422.
 */
export async function countSystemUsers(
  db: Kysely<Database>,
  system: { id: string; contractId: string | null },
): Promise<UserCountResponse> {
  if (system.contractId === null) {
    throw new AppError('PRICE_UNAVAILABLE', 'The system is not linked to a contract to count users by.', {
      reason: 'NO_CONTRACT',
    });
  }
  const facts = await loadContractFacts(db, system.contractId);
  if (!facts) throw new AppError('NOT_FOUND', `No contract ${system.contractId}.`);
  const price = facts.plan.price;
  if (price.rule !== 'per-user') {
    throw new AppError('PRICE_UNAVAILABLE', `The plan ${facts.plan.key} is not priced per user (R4.1).`, {
      reason: 'NOT_PER_USER_PLAN',
      rule: price.rule,
    });
  }
  const count = countUsers(await listLiveItems(db, [system.id]), price.counting);
  return {
    systemId: system.id,
    contractId: system.contractId,
    planKey: facts.plan.key,
    count: count.count,
    counted: count.counted.map((c) => ({ person: 'person' in c ? c.person : null, items: c.items })),
    notCounted: count.notCounted,
    unknownKinds: count.unknownKinds,
  };
}
