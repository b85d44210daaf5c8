import type { Kysely } from 'kysely';
import { coveredUntil } from '../../core/contract/coverage.queries.ts';
import type { Restriction, RevocableRight } from '../../core/contract/entitlement.ts';
import { type Plan, planSchema } from '../../core/plan/plan.schema.ts';
import { loadActiveRestrictions, loadTerms } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import type { LicenseSnapshot } from './license-decision.ts';
import { loadReleases } from './license-keys.service.ts';

const RIGHTS: readonly string[] = ['support', 'updates', 'refund'] satisfies RevocableRight[];

/** Plan versions never change, so a parsed plan is kept for the life of the process. */
const parsedPlans = new Map<string, Plan>();

function planOf(versionId: string, document: unknown): Plan {
  let plan = parsedPlans.get(versionId);
  if (!plan) {
    plan = planSchema.parse(document);
    parsedPlans.set(versionId, plan);
  }
  return plan;
}

/** Everything validation needs about the key with this hash (found:false for an unknown hash). */
export async function loadLicenseSnapshot(db: Kysely<Database>, keyHash: string): Promise<LicenseSnapshot> {
  const row = await db
    .selectFrom('license_keys')
    .innerJoin('licenses', 'licenses.id', 'license_keys.license_id')
    .innerJoin('contracts', 'contracts.id', 'licenses.contract_id')
    .innerJoin('organisations', 'organisations.id', 'contracts.organisation_id')
    .innerJoin('products', 'products.id', 'contracts.product_id')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select([
      'license_keys.id as keyId',
      'license_keys.prefix',
      'license_keys.major',
      'license_keys.revoked_at',
      'licenses.id as licenseId',
      'contracts.id as contractId',
      'contracts.organisation_id',
      'contracts.product_id',
      'contracts.purchased_on',
      'contracts.purchased_major',
      'contracts.plan_version_id',
      'organisations.name as organisationName',
      'products.name as productName',
      'plan_versions.document',
    ])
    .where('license_keys.key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row) return { found: false };
  const terms = await loadTerms(db, row.contractId);
  const restrictions = await loadActiveRestrictions(db, row.organisation_id);
  const releases = await loadReleases(db, row.product_id);
  return {
    found: true,
    keyId: row.keyId,
    keyPrefix: row.prefix,
    major: row.major,
    revokedAt: row.revoked_at,
    licenseId: row.licenseId,
    contractId: row.contractId,
    organisationId: row.organisation_id,
    organisationName: row.organisationName,
    productId: row.product_id,
    productName: row.productName,
    plan: planOf(row.plan_version_id, row.document),
    purchasedOn: row.purchased_on,
    purchasedMajor: row.purchased_major,
    terms,
    coveredUntil: coveredUntil(terms),
    restrictions: restrictions.map(
      (r): Restriction => ({
        reason: r.reason,
        revokes: r.revokes.filter((x): x is RevocableRight => RIGHTS.includes(x)),
      }),
    ),
    releases,
  };
}
