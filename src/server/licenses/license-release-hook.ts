import type { Kysely } from 'kysely';
import type { PublishedRelease, ReleasePublishedHook } from '../catalog/release-hooks.ts';
import { coversDate } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { syncLicenseKeys } from './license-keys.service.ts';

/**
 * R0.3 (S0): publishing a release of a new major issues a key to every contract of the product
 * covered on the publication date that has none for that major yet, and queues its mail. Runs in
 * the catalog's publishing transaction; syncLicenseKeys decides per contract (plan's newMajorKeys,
 * exact effective coverage), so this query only narrows the candidates. The mail's key is sealed
 * with the server's sealing key (docs/licensing.md).
 */
export function issueKeysOnReleasePublished(sealingKey: SealingKey): ReleasePublishedHook {
  return async (trx, release, now) => {
    for (const contractId of await candidateContracts(trx, release)) {
      await syncLicenseKeys(trx, contractId, now, sealingKey);
    }
  };
}

async function candidateContracts(trx: Kysely<Database>, release: PublishedRelease): Promise<string[]> {
  const rows = await trx
    .selectFrom('contracts')
    .select('contracts.id')
    .where('contracts.product_id', '=', release.productId)
    .where('contracts.purchased_major', '<', release.major)
    .where(coversDate(release.publishedOn))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('license_keys')
            .innerJoin('licenses', 'licenses.id', 'license_keys.license_id')
            .select('license_keys.id')
            .whereRef('licenses.contract_id', '=', 'contracts.id')
            .where('license_keys.major', '=', release.major)
            .where('license_keys.revoked_at', 'is', null),
        ),
      ),
    )
    .orderBy('contracts.id')
    .execute();
  return rows.map((r) => r.id);
}
