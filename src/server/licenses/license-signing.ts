import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';

/** The key that signs offline license files; `kid` names it in the file and at the well-known URL. */
export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject; publicKeyPem: string };

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no white space, arrays in order. A
 * product verifying a license file rebuilds exactly these bytes from the parsed payload.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Ed25519 signature (base64url) over the canonical JSON of the payload. */
export function signPayload(key: SigningKey, payload: unknown): string {
  return sign(null, Buffer.from(canonicalJson(payload), 'utf8'), key.privateKey).toString('base64url');
}

/** The key id: the first 16 base64url characters of SHA-256 of the public key's DER. */
export function kidOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('UPKEEP_LICENSE_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { kid: kidOf(publicKey), privateKey, publicKey, publicKeyPem };
}

/**
 * The signing key: the configured one (UPKEEP_LICENSE_SIGNING_KEY), else the oldest stored one,
 * else a new one generated and stored. Two servers starting at once may both insert; both then
 * use the oldest row, so every file is signed by a key the well-known URL serves.
 */
export async function loadSigningKey(
  db: Kysely<Database>,
  configuredPem: string | undefined,
): Promise<SigningKey> {
  if (configuredPem !== undefined) return fromPrivatePem(configuredPem);
  const stored = await oldestStored(db);
  if (stored) return fromPrivatePem(stored);
  const { privateKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const fresh = fromPrivatePem(privatePem);
  await db
    .insertInto('license_signing_keys')
    .values({ kid: fresh.kid, private_key_pem: privatePem, public_key_pem: fresh.publicKeyPem })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
  return fromPrivatePem((await oldestStored(db)) ?? privatePem);
}

async function oldestStored(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('license_signing_keys')
    .select('private_key_pem')
    .orderBy('created_at')
    .orderBy('kid')
    .limit(1)
    .executeTakeFirst();
  return row?.private_key_pem;
}

/** The public key as a JWK (RFC 8037 OKP). */
export function publicJwk(key: SigningKey): { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string } {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid: key.kid };
}
