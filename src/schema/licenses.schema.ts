import { z } from 'zod';

/** Wire schemas of licenses, keys, license validation and the offline license file (docs/licensing.md). */

export const VALIDATION_CODES = [
  'VALID',
  'NOT_FOUND',
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
  'NOT_STARTED',
  'VERSION_NOT_COVERED',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const ValidateLicenseBodySchema = z
  .object({
    key: z.string().max(200).describe('The license key, e.g. `UPK-7K2QX9MD-…` (case-insensitive).'),
    version: z
      .string()
      .max(64)
      .optional()
      .describe('The installed version, e.g. `4.2.1`: answers whether this license covers it.'),
    fingerprint: z
      .string()
      .max(200)
      .optional()
      .describe('An opaque machine id; accepted and not yet used (no seat limits).'),
    features: z
      .array(z.string().min(1).max(64))
      .max(50)
      .optional()
      .describe("Feature keys to report on; all of the plan's features when absent."),
  })
  .meta({ id: 'ValidateLicenseRequest' });

export const ValidationResultSchema = z
  .object({
    valid: z.boolean().describe('True iff code is VALID.'),
    code: z.enum(VALIDATION_CODES).describe('Why; see docs/licensing.md.'),
    coveredUntil: civilDate.nullable().describe('The last covered day (inclusive) of the contract, if any.'),
    expiresOn: civilDate.nullable().describe('The day coverage ends (coveredUntil + 1), if any.'),
    fallbackVersion: z
      .string()
      .nullable()
      .describe("The latest release of the key's major line this license keeps for life (R0.3)."),
    features: z.record(z.string(), z.boolean()).describe('Each feature: on iff entitled now (R4.3).'),
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'LicenseValidation' });
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const LicenseKeySummarySchema = z
  .object({
    id: z.string(),
    major: z.number().int(),
    prefix: z.string().describe('The visible part of the key; the full key is never shown again.'),
    issuedAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'LicenseKeySummary' });

export const LicenseSchema = z
  .object({
    licenseId: z.string(),
    contractId: z.string(),
    keys: z.array(LicenseKeySummarySchema),
  })
  .meta({ id: 'License' });

export const IssuedKeySchema = z
  .object({
    id: z.string(),
    licenseId: z.string(),
    major: z.number().int(),
    prefix: z.string(),
    key: z.string().describe('The full key, shown in this answer only: store it now.'),
    issuedAt: z.iso.datetime(),
  })
  .meta({ id: 'IssuedLicenseKey' });

export const ContractIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const RotateKeyParamsSchema = z.object({
  id: z.string().min(1).max(64).describe('The license id.'),
  major: z.coerce.number().int().min(0).max(100000),
});

export const LicenseFileQuerySchema = z.object({
  major: z.coerce
    .number()
    .int()
    .min(0)
    .max(100000)
    .optional()
    .describe('The major line whose key the file is for; the purchased major when absent.'),
});

export const LicenseFilePayloadSchema = z.object({
  valid: z.boolean().describe('The decision when the file was issued, as /v1/licenses/validate gives it.'),
  code: z.enum(VALIDATION_CODES).describe('Its code (VALID, EXPIRED, NOT_STARTED, …).'),
  licenseId: z.string(),
  keyPrefix: z.string(),
  major: z.number().int(),
  product: z.object({ id: z.string(), name: z.string() }),
  organisation: z.object({ id: z.string(), name: z.string() }),
  terms: z
    .array(z.object({ startsOn: civilDate, endsOn: civilDate }))
    .describe('Covered spans, half-open [startsOn, endsOn).'),
  coveredUntil: civilDate.nullable(),
  fallbackVersion: z
    .string()
    .nullable()
    .describe('The release kept for life after lapse (R0.3); null when the plan has no perpetual fallback.'),
  features: z.record(z.string(), z.boolean()),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().describe('After this instant the file is no longer to be trusted offline.'),
});

export const LicenseFileSchema = z
  .object({
    payload: LicenseFilePayloadSchema,
    signature: z.string().describe('Ed25519 signature (base64url) over the canonical JSON of payload.'),
    alg: z.literal('Ed25519'),
    kid: z.string(),
  })
  .meta({ id: 'LicenseFile' });
export type LicenseFile = z.infer<typeof LicenseFileSchema>;

export const LicensePublicKeySchema = z
  .object({
    kid: z.string(),
    alg: z.literal('Ed25519'),
    publicKeyPem: z.string(),
    jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string() }),
  })
  .meta({ id: 'LicensePublicKey' });
