import { planSchema } from '../../core/plan/plan.schema.ts';
import type { ReleasePublishedHook } from '../catalog/release-hooks.ts';
import { coversDate } from '../contracts/contract-facts.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';

/**
 * R0.8 (S0): "licensed users are emailed when a new version ships". Publishing a release (not a
 * pre-release) queues one `release.published` notice per organisation whose contract for the product
 * covers the publication date under a plan with `entitlements.releaseNotifications`, addressed to its
 * active users on the product-update list (R1.1: unsubscribing stops these mails). Runs in the
 * publishing transaction, so the release and its notices commit together; the dedupe key makes a
 * re-run harmless.
 */
export const notifyReleasePublished: ReleasePublishedHook = async (trx, release, now) => {
  if (release.prerelease !== null) return;
  const contracts = await trx
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select(['contracts.id', 'contracts.organisation_id', 'plan_versions.document'])
    .where('contracts.product_id', '=', release.productId)
    .where(coversDate(release.publishedOn))
    .orderBy('contracts.organisation_id')
    .execute();
  // One notice per organisation, naming its covering contract (the mail then speaks its plan's terms).
  const organisations = new Map<string, string>();
  for (const c of contracts) {
    if (
      !organisations.has(c.organisation_id) &&
      planSchema.parse(c.document).entitlements.releaseNotifications
    )
      organisations.set(c.organisation_id, c.id);
  }
  if (organisations.size === 0) return;
  const product = await trx
    .selectFrom('products')
    .select('name')
    .where('id', '=', release.productId)
    .executeTakeFirstOrThrow();
  for (const organisationId of organisations.keys()) {
    const contractId = organisations.get(organisationId) ?? null;
    const readers = await trx
      .selectFrom('accounts')
      .select('email')
      .where('organisation_id', '=', organisationId)
      .where('disabled_at', 'is', null)
      .where('product_updates_subscribed', '=', true)
      .orderBy('id')
      .execute();
    if (readers.length === 0) continue;
    await enqueueNotice(
      trx,
      {
        topic: 'release.published',
        dedupeKey: `release.published:${release.id}:${organisationId}`,
        organisationId,
        recipient: readers.map((r) => r.email).join(', '),
        payload: {
          releaseId: release.id,
          productId: release.productId,
          contractId,
          productName: product.name,
          version: release.version,
          publishedOn: release.publishedOn,
        },
      },
      now,
    );
  }
};
