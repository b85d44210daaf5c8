import type { Kysely } from 'kysely';
import { mergedCoverage } from '../../core/contract/coverage.queries.ts';
import type { LicenseFile } from '../../schema/licenses.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { organisationIdFilter } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { decideValidation, type FoundSnapshot } from './license-decision.ts';
import { insertKey } from './license-keys.service.ts';
import { type SigningKey, signPayload } from './license-signing.ts';
import { loadLicenseSnapshot } from './license-snapshot.repository.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The contract's license with its keys (prefixes only); 404 for a missing or another organisation's contract. */
export async function getContractLicense(db: Kysely<Database>, contractId: string, viewer: Viewer) {
  const license = await visibleLicense(db, contractId, viewer);
  const keys = await db
    .selectFrom('license_keys')
    .select(['id', 'major', 'prefix', 'issued_at', 'revoked_at'])
    .where('license_id', '=', license.id)
    .orderBy('major')
    .orderBy('issued_at')
    .execute();
  return {
    licenseId: license.id,
    contractId,
    keys: keys.map((k) => ({
      id: k.id,
      major: k.major,
      prefix: k.prefix,
      issuedAt: k.issued_at.toISOString(),
      revokedAt: k.revoked_at?.toISOString() ?? null,
    })),
  };
}

async function visibleLicense(db: Kysely<Database>, contractId: string, viewer: Viewer) {
  let query = db
    .selectFrom('licenses')
    .innerJoin('contracts', 'contracts.id', 'licenses.contract_id')
    .select(['licenses.id', 'contracts.organisation_id'])
    .where('licenses.contract_id', '=', contractId);
  const org = organisationIdFilter(viewer);
  if (org !== null) query = query.where('contracts.organisation_id', '=', org);
  const license = await query.executeTakeFirst();
  if (!license) throw new AppError('NOT_FOUND', `No license for contract ${contractId}.`);
  return license;
}

export type RotateInput = { licenseId: string; major: number; viewer: Viewer; clientIp: string | null };

/**
 * Revokes the active key of (license, major) and issues a new one, shown once in the answer. Staff
 * rotate any key; a customer admin rotates its own organisation's keys (that is how it takes a key
 * issued in the background for a new major: the mail never carries the key). Audited.
 */
export async function rotateKey(db: Kysely<Database>, input: RotateInput, now: Date) {
  const { viewer } = input;
  if (viewer.kind === 'customer' && viewer.role !== 'customer-admin') {
    throw new AppError('FORBIDDEN', 'Only a customer admin may take a new license key.');
  }
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('license_keys')
      .innerJoin('licenses', 'licenses.id', 'license_keys.license_id')
      .innerJoin('contracts', 'contracts.id', 'licenses.contract_id')
      .select(['license_keys.id', 'contracts.organisation_id'])
      .where('license_keys.license_id', '=', input.licenseId)
      .where('license_keys.major', '=', input.major)
      .where('license_keys.revoked_at', 'is', null)
      .forUpdate();
    const org = organisationIdFilter(viewer);
    if (org !== null) query = query.where('contracts.organisation_id', '=', org);
    const active = await query.executeTakeFirst();
    if (!active) {
      throw new AppError(
        'NOT_FOUND',
        `No active key for major ${input.major} of license ${input.licenseId}.`,
      );
    }
    await trx.updateTable('license_keys').set({ revoked_at: now }).where('id', '=', active.id).execute();
    const issued = await insertKey(trx, input.licenseId, input.major, now);
    if (!issued) throw new Error('a rotated key could not be replaced');
    await recordAudit(
      trx,
      {
        action: 'license.key-rotated',
        viewer,
        organisationId: active.organisation_id,
        subjectType: 'license_key',
        subjectId: issued.id,
        outcome: 'ok',
        details: {
          licenseId: input.licenseId,
          major: input.major,
          revokedKeyId: active.id,
          prefix: issued.prefix,
        },
        clientIp: input.clientIp,
      },
      now,
    );
    return { ...issued, licenseId: input.licenseId, issuedAt: now.toISOString() };
  });
}

export type LicenseFileInput = { contractId: string; major: number | undefined; viewer: Viewer };

/**
 * The offline license file for one key of the contract (the purchased major's by default): the
 * coverage facts and the decision of today (`valid`, `code`: the same as /v1/licenses/validate
 * without a version), signed with Ed25519, valid for `validDays`. A suspended or revoked
 * organisation (R1.3, R1.4) gets no file: 403 NOT_ENTITLED with the decision in details.
 */
export async function buildLicenseFile(
  db: Kysely<Database>,
  key: SigningKey,
  input: LicenseFileInput,
  now: Date,
  validDays: number,
): Promise<LicenseFile> {
  const license = await visibleLicense(db, input.contractId, input.viewer);
  const majorQuery = db
    .selectFrom('license_keys')
    .innerJoin('licenses', 'licenses.id', 'license_keys.license_id')
    .innerJoin('contracts', 'contracts.id', 'licenses.contract_id')
    .select('license_keys.key_hash')
    .where('license_keys.license_id', '=', license.id)
    .where('license_keys.revoked_at', 'is', null);
  const row = await (input.major === undefined
    ? majorQuery.whereRef('license_keys.major', '=', 'contracts.purchased_major')
    : majorQuery.where('license_keys.major', '=', input.major)
  ).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No active key for that major on contract ${input.contractId}.`);
  const snapshot = (await loadLicenseSnapshot(db, row.key_hash)) as FoundSnapshot;
  const decision = decideValidation(snapshot, {}, now);
  if (decision.code === 'SUSPENDED') {
    throw new AppError(
      'NOT_ENTITLED',
      'The organisation is suspended or revoked (R1.3, R1.4): no offline license file.',
      decision,
    );
  }
  const payload = {
    valid: decision.valid,
    code: decision.code,
    licenseId: snapshot.licenseId,
    keyPrefix: snapshot.keyPrefix,
    major: snapshot.major,
    product: { id: snapshot.productId, name: snapshot.productName },
    organisation: { id: snapshot.organisationId, name: snapshot.organisationName },
    terms: mergedCoverage(snapshot.terms).map((s) => ({ startsOn: s.startsOn, endsOn: s.endsOn })),
    coveredUntil: decision.coveredUntil,
    fallbackVersion: decision.fallbackVersion,
    features: decision.features,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + validDays * DAY_MS).toISOString(),
  };
  return { payload, signature: signPayload(key, payload), alg: 'Ed25519', kid: key.kid };
}
