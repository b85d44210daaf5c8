import type { ColumnType } from 'kysely';

/** Tables of migration 0005 (license validation): the cache epoch and the offline-file signing keys. */
export interface LicenseCacheEpochTable {
  id: number;
  epoch: number;
}

export interface LicenseSigningKeysTable {
  kid: string;
  private_key_pem: string;
  public_key_pem: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface LicenseTables {
  license_cache_epoch: LicenseCacheEpochTable;
  license_signing_keys: LicenseSigningKeysTable;
}
