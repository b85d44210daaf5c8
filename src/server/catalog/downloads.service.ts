import type { Kysely } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import {
  type Entitlement,
  type EntitlementReason,
  entitled,
  type RevocableRight,
} from '../../core/contract/entitlement.ts';
import type { Release } from '../../schema/catalog.schema.ts';
import type { Viewer } from '../auth/access.ts';
import { type ContractFacts, loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';

type Db = Kysely<Database>;

/** Why a download was allowed or refused: the core's decision, or the staff pass. */
export type DownloadDecision = {
  allowed: boolean;
  reason: EntitlementReason | 'STAFF';
  facts: Entitlement['facts'] | null;
  contractId: string | null;
  /** The day asked about, in the contract plan's time zone. */
  at: string | null;
};

const RIGHTS: readonly RevocableRight[] = ['support', 'updates', 'refund'];

/**
 * R0.8: may this viewer download this release today? Staff may download anything. A customer needs a
 * contract for the release's product, and the core's entitled() decides on the download gate; without
 * a contract the answer is NO_CONTRACT.
 */
export async function decideDownload(
  db: Db,
  viewer: Viewer,
  release: Release,
  now: Date,
): Promise<DownloadDecision> {
  if (viewer.kind === 'staff')
    return { allowed: true, reason: 'STAFF', facts: null, contractId: null, at: null };
  const facts = await contractFactsFor(db, viewer.organisationId, release.productId);
  return decideWithFacts(facts, release, now);
}

function decideWithFacts(facts: ContractFacts | undefined, release: Release, now: Date): DownloadDecision {
  if (!facts) {
    return {
      allowed: false,
      reason: 'NO_CONTRACT',
      facts: { coveredUntil: null, serviceOn: false },
      contractId: null,
      at: null,
    };
  }
  const at = civilDateIn(now, facts.plan.calendar?.timeZone ?? 'UTC');
  const decision = entitled({
    plan: facts.plan,
    contract: {
      terms: facts.terms,
      purchasedOn: facts.contract.purchasedOn,
      purchasedMajor: facts.contract.purchasedMajor,
    },
    restrictions: facts.restrictions.map((r) => ({
      reason: r.reason,
      revokes: r.revokes.filter((x): x is RevocableRight => (RIGHTS as readonly string[]).includes(x)),
    })),
    gate: {
      kind: 'download',
      release: {
        id: release.id,
        version: release.version,
        major: release.major,
        publishedOn: release.publishedOn,
        effectiveOn: release.effectiveOn,
      },
    },
    at,
  });
  return { ...decision, contractId: facts.contract.id, at };
}

async function contractFactsFor(
  db: Db,
  organisationId: string,
  productId: string,
): Promise<ContractFacts | undefined> {
  const contract = await db
    .selectFrom('contracts')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return contract ? loadContractFacts(db, contract.id, organisationId) : undefined;
}

/**
 * Keeps the releases the viewer may (wanted = true) or may not (false) download today. One contract
 * lookup per product, then the pure decision per release.
 */
export async function filterByEntitlement(
  db: Db,
  viewer: Viewer,
  releases: readonly Release[],
  wanted: boolean,
  now: Date,
): Promise<Release[]> {
  if (viewer.kind === 'staff') return wanted ? [...releases] : [];
  const factsByProduct = new Map<string, ContractFacts | undefined>();
  const out: Release[] = [];
  for (const release of releases) {
    if (!factsByProduct.has(release.productId)) {
      factsByProduct.set(
        release.productId,
        await contractFactsFor(db, viewer.organisationId, release.productId),
      );
    }
    const decision = decideWithFacts(factsByProduct.get(release.productId), release, now);
    if (decision.allowed === wanted) out.push(release);
  }
  return out;
}
