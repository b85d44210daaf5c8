import { isSealed, openSealed, type SealingKey, sealSecret } from './sealing.ts';

// R0.3/R0.7: license keys in outbox notices travel sealed (docs/licensing.md). The notice writer seals
// them; the delivery worker opens them to write the mail and then erases `sealedKey` from the row.

/** A license key as a notice carries it: named by major and prefix, the key itself sealed. */
export type SealedLicenseKey = { major: number; prefix: string; sealedKey: string };
export type OpenedLicenseKey = { major: number; prefix: string; key: string };

/** Seals each issued key for a notice payload (`licenseKeys`); other fields of an entry are kept. */
export function sealLicenseKeys<K extends { major: number; prefix: string; key: string }>(
  sealingKey: SealingKey,
  issued: readonly K[],
): (Omit<K, 'key'> & SealedLicenseKey)[] {
  return issued.map(({ key, ...rest }) => ({ ...rest, sealedKey: sealSecret(sealingKey, key) }));
}

/**
 * The full license keys of a notice payload, for the delivery worker: every `licenseKeys` entry that
 * still carries a `sealedKey`, opened. Throws SealingError when one does not open (wrong key, tampered).
 */
export function openNoticeSecrets(
  payload: unknown,
  keys: SealingKey | readonly SealingKey[],
): OpenedLicenseKey[] {
  return licenseKeysOf(payload).flatMap((entry) =>
    isSealed(entry.sealedKey) && typeof entry.major === 'number' && typeof entry.prefix === 'string'
      ? [{ major: entry.major, prefix: entry.prefix, key: openSealed(keys, entry.sealedKey) }]
      : [],
  );
}

/** The payload without its sealed secrets: what the delivery worker writes back once the mail is sent. */
export function eraseNoticeSecrets<P>(payload: P): P {
  if (licenseKeysOf(payload).length === 0) return payload;
  const record = payload as Record<string, unknown>;
  const licenseKeys = licenseKeysOf(payload).map(({ sealedKey: _erased, ...rest }) => rest);
  return { ...record, licenseKeys } as P;
}

function licenseKeysOf(payload: unknown): Record<string, unknown>[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const list = (payload as { licenseKeys?: unknown }).licenseKeys;
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
}
