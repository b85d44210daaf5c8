import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  ContractIdParamsSchema,
  IssuedKeySchema,
  LicenseFileQuerySchema,
  LicenseFileSchema,
  LicensePublicKeySchema,
  LicenseSchema,
  RotateKeyParamsSchema,
  ValidateLicenseBodySchema,
  ValidationResultSchema,
} from '../../schema/licenses.schema.ts';
import { viewerOf } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { errorResponses } from '../http/responses.ts';
import { LicenseCache } from './license-cache.ts';
import { decideValidationMemo } from './license-decision.ts';
import { isWellFormedLicenseKey } from './license-key-format.ts';
import { loadSigningKey, publicJwk, type SigningKey } from './license-signing.ts';
import { buildLicenseFile, getContractLicense, rotateKey } from './licenses.service.ts';
import { keyHashOf, validationThrottle } from './validation-throttle.ts';

export type LicenseRouteDeps = { db: Kysely<Database>; config: Config; clock: () => Date };

const READ = { scope: 'licenses:read', customer: true } as const;
const WRITE = { scope: 'licenses:write', customer: true } as const;
const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NOT_FOUND = { found: false } as const;
const rethrow = (error?: Error) => {
  if (error) throw error;
};

/** Licenses and keys, the public validation API, offline license files and the public signing key. */
export async function registerLicenseRoutes(
  app: FastifyInstance,
  deps: LicenseRouteDeps,
): Promise<LicenseCache> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { licensing } = deps.config;
  const cache = new LicenseCache(deps.db, { maxEntries: 50_000, epochCheckMs: licensing.cacheEpochCheckMs });
  let signingKey: Promise<SigningKey> | undefined;
  const signer = () => {
    signingKey ??= loadSigningKey(deps.db, licensing.signingKeyPem).catch((error: unknown) => {
      signingKey = undefined;
      throw error;
    });
    return signingKey;
  };
  // A write this process made may change a license: the next validation re-reads the epoch. In onSend
  // (the handler's transaction has committed), so a client that validates after the answer sees it.
  // Callback style, not async: it runs for every response and should not cost a promise.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (!SAFE_METHODS.has(request.method) && request.routeOptions.url !== '/v1/licenses/validate')
      cache.touch();
    done(null, payload);
  });
  const throttle = validationThrottle({
    perKeyPerMinute: licensing.validatePerKeyPerMinute,
    perIpPerMinute: licensing.validatePerIpPerMinute,
  });

  r.post('/v1/licenses/validate', {
    config: { access: 'public' },
    onRequest: throttle.byIp,
    // The answer is built by decideValidation to the schema's type; skip zod's re-parse on the way out.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      tags: ['licenses'],
      summary: 'Validate a license key (for installed software); always 200 with a code.',
      description:
        'The key is the credential. Codes: VALID, NOT_FOUND (unknown or malformed key), REVOKED, SUSPENDED, ' +
        'EXPIRED, NOT_STARTED, VERSION_NOT_COVERED (fallbackVersion names the latest covered release). ' +
        'Rate-limited per key and per client address (429 with Retry-After).',
      body: ValidateLicenseBodySchema,
      response: { 200: ValidationResultSchema, ...errorResponses('VALIDATION_FAILED', 'RATE_LIMITED') },
    },
    // Not async: a malformed key or a warm cache answers synchronously (Fastify sends a plain return
    // value at once); only a cache miss returns a promise. Saves a promise and a tick per validation.
    handler: (request, reply) => {
      // The per-key limit, checked here rather than as a preHandler hook (a hook stage costs more than
      // the check); it answers synchronously, and a refusal is thrown to the error handler as before.
      throttle.byKey(request, reply, rethrow);
      const { key, version, features } = request.body;
      const query = { version, features };
      if (!isWellFormedLicenseKey(key)) return decideValidationMemo(NOT_FOUND, query, deps.clock());
      const hash = keyHashOf(request);
      const warm = cache.peek(hash);
      if (warm !== undefined) return decideValidationMemo(warm, query, deps.clock());
      return cache.get(hash).then((snapshot) => decideValidationMemo(snapshot, query, deps.clock()));
    },
  });

  r.get('/v1/contracts/:id/license', {
    config: { access: READ },
    schema: {
      tags: ['licenses'],
      summary: "A contract's license and its keys (prefixes only: a full key is shown once, when issued).",
      params: ContractIdParamsSchema,
      response: { 200: LicenseSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => getContractLicense(deps.db, request.params.id, viewerOf(request)),
  });

  r.post('/v1/licenses/:id/keys/:major/rotate', {
    config: { access: WRITE },
    schema: {
      tags: ['licenses'],
      summary: 'Revoke the active key of a major line and issue a new one, shown in this answer only.',
      description:
        "Staff rotate any key; a customer admin rotates its own organisation's keys (how it takes a key issued " +
        'for a new major). The old key then validates as REVOKED.',
      params: RotateKeyParamsSchema,
      response: { 200: IssuedKeySchema, ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND') },
    },
    handler: async (request) => {
      const { id, major } = request.params;
      const viewer = viewerOf(request);
      return rotateKey(deps.db, { licenseId: id, major, viewer, clientIp: request.ip }, deps.clock());
    },
  });

  r.get('/v1/contracts/:id/license-file', {
    config: { access: READ },
    schema: {
      tags: ['licenses'],
      summary: 'An Ed25519-signed offline license file for one key of the contract.',
      description: 'Verify it with the key at /.well-known/upkeep-license-key; see docs/licensing.md.',
      params: ContractIdParamsSchema,
      querystring: LicenseFileQuerySchema,
      response: {
        200: LicenseFileSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND', 'NOT_ENTITLED'),
      },
    },
    handler: async (request) =>
      buildLicenseFile(
        deps.db,
        await signer(),
        { contractId: request.params.id, major: request.query.major, viewer: viewerOf(request) },
        deps.clock(),
        licensing.licenseFileDays,
      ),
  });

  r.get('/.well-known/upkeep-license-key', {
    config: { access: 'public' },
    schema: {
      tags: ['licenses'],
      summary: 'The public key that verifies offline license files (PEM and JWK), with its key id.',
      response: { 200: LicensePublicKeySchema },
    },
    handler: async () => {
      const key = await signer();
      return { kid: key.kid, alg: 'Ed25519' as const, publicKeyPem: key.publicKeyPem, jwk: publicJwk(key) };
    },
  });
  return cache;
}
