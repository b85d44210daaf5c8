import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import {
  eraseNoticeSecrets,
  openNoticeSecrets,
  sealLicenseKeys,
} from '../../src/server/secrets/notice-secrets.ts';
import {
  encodeSealingKey,
  generateSealingKey,
  loadSealingKey,
  openSealed,
  parseSealingKey,
  SealingError,
  sealSecret,
} from '../../src/server/secrets/sealing.ts';

const KEY = generateSealingKey();
const OTHER = generateSealingKey();
const SECRET = 'UPK-7K2QX9MD-3F9T0C6WABCDEFGHJKMNPQRSTVWXYZ01';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-sealing-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Replaces one base64url part of a sealed text (3 = iv, 4 = ciphertext, 5 = tag) with a flipped copy. */
function flipPart(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

describe('sealing (R0.3/R0.7: license keys in notices sealed at rest)', () => {
  it('round trip: any text seals to sealed:v1:<kid>:… and opens to itself; a fresh IV every time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const sealed = sealSecret(KEY, text);
        expect(sealed.startsWith(`sealed:v1:${KEY.id}:`)).toBe(true);
        expect(openSealed(KEY, sealed)).toBe(text);
      }),
    );
    const twice = [sealSecret(KEY, SECRET), sealSecret(KEY, SECRET)];
    expect(twice[0]).not.toBe(twice[1]);
    expect(twice[0]).not.toContain(SECRET);
    expect(openSealed([OTHER, KEY], twice[1] ?? '')).toBe(SECRET);
  });

  it.each([
    ['the IV', (s: string) => flipPart(s, 3)],
    ['the ciphertext', (s: string) => flipPart(s, 4)],
    ['the tag', (s: string) => flipPart(s, 5)],
    ['the version', (s: string) => s.replace('sealed:v1:', 'sealed:v2:')],
    ['a truncated text', (s: string) => s.split(':').slice(0, 5).join(':')],
    ['no sealed text at all', () => SECRET],
  ])('tampering with %s → SealingError, never a wrong plaintext', (_what, tamper) => {
    const sealed = tamper(sealSecret(KEY, SECRET));
    expect(() => openSealed(KEY, sealed)).toThrow(SealingError);
  });

  it('a wrong key → SealingError naming the key id; a wrong key posing under the right id → does not open', () => {
    const sealed = sealSecret(KEY, SECRET);
    expect(() => openSealed(OTHER, sealed)).toThrow(`sealed with key ${KEY.id}`);
    const impostor = { id: KEY.id, bytes: OTHER.bytes };
    expect(() => openSealed(impostor, sealed)).toThrow(/wrong key or tampered/);
  });

  it('the key id derives from the key: the same text parses to the same id', () => {
    const text = encodeSealingKey(KEY);
    expect(parseSealingKey(text, 'x')).toEqual(KEY);
    expect(parseSealingKey(`${text}\n`, 'x').id).toBe(KEY.id);
    expect(OTHER.id).not.toBe(KEY.id);
  });
});

describe('notice secrets (R0.7 purchase mail, R0.3 new-major mail)', () => {
  it('sealLicenseKeys → openNoticeSecrets gives back each key; eraseNoticeSecrets drops only sealedKey', () => {
    const issued = [
      { id: 'lkey_1', major: 4, prefix: '7K2QX9MD', key: SECRET },
      { id: 'lkey_2', major: 5, prefix: '8K2QX9MD', key: `${SECRET}X` },
    ];
    const payload = { validity: { expiresOn: '2027-03-02' }, licenseKeys: sealLicenseKeys(KEY, issued) };
    expect(JSON.stringify(payload)).not.toContain(SECRET);
    expect(openNoticeSecrets(payload, KEY)).toEqual(
      issued.map(({ major, prefix, key }) => ({ major, prefix, key })),
    );
    const erased = eraseNoticeSecrets(payload);
    expect(erased.licenseKeys).toEqual([
      { id: 'lkey_1', major: 4, prefix: '7K2QX9MD' },
      { id: 'lkey_2', major: 5, prefix: '8K2QX9MD' },
    ]);
    expect(erased.validity).toEqual(payload.validity);
    expect(openNoticeSecrets(erased, KEY)).toEqual([]);
    expect(openNoticeSecrets({ topic: 'no keys' }, KEY)).toEqual([]);
    expect(() => openNoticeSecrets(payload, OTHER)).toThrow(SealingError);
  });
});

describe('loadSealingKey: UPKEEP_SEALING_KEY, else a key file', () => {
  it('UPKEEP_SEALING_KEY (base64url of 32 bytes) is the key; no file is written', async () => {
    const dir = tempDir();
    const text = encodeSealingKey(KEY);
    const config = loadConfig({ UPKEEP_DATA_DIR: dir, UPKEEP_SEALING_KEY: text });
    expect(await loadSealingKey(config)).toEqual(KEY);
    expect(() => statSync(join(dir, 'sealing.key'))).toThrow();
  });

  it.each([
    ['too short', 'abc'],
    ['not base64url', `${'+'.repeat(43)}`],
    ['44 characters', `${encodeSealingKey(KEY)}A`],
  ])('UPKEEP_SEALING_KEY %s → a config error naming the variable', (_what, value) => {
    expect(() => loadConfig({ UPKEEP_SEALING_KEY: value })).toThrow(
      /Invalid environment variable UPKEEP_SEALING_KEY: expected base64url of 32 random bytes/,
    );
  });

  it('defaults: <UPKEEP_DATA_DIR>/sealing.key for PGlite, ./.upkeep/sealing.key with DATABASE_URL', () => {
    expect(loadConfig({ UPKEEP_DATA_DIR: '/srv/upkeep' }).sealing.keyFile).toBe('/srv/upkeep/sealing.key');
    const pg = loadConfig({ DATABASE_URL: 'postgres://u@h/db', UPKEEP_DATA_DIR: '/srv/upkeep' });
    expect(pg.sealing.keyFile).toBe(join(process.cwd(), '.upkeep/sealing.key'));
    expect(loadConfig({ UPKEEP_SEALING_KEY_FILE: '/etc/upkeep/k' }).sealing.keyFile).toBe('/etc/upkeep/k');
  });

  it('the key file is created on first use with mode 0600 and reused afterwards', async () => {
    const keyFile = join(tempDir(), 'nested', 'sealing.key');
    const config = loadConfig({ UPKEEP_SEALING_KEY_FILE: keyFile });
    const first = await loadSealingKey(config);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(encodeSealingKey(first));
    const again = await loadSealingKey(config);
    expect(again).toEqual(first);
    expect(openSealed(again, sealSecret(first, SECRET))).toBe(SECRET);
  });

  it('two loads racing on a missing file agree on one key (the loser reads the winner’s file)', async () => {
    const config = loadConfig({ UPKEEP_SEALING_KEY_FILE: join(tempDir(), 'sealing.key') });
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSealingKey(config)));
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
  });

  it.each([
    ['garbage', 'not a key\n', /sealing key file .*: expected base64url of 32 bytes/],
    ['a short key', 'c2hvcnQ\n', /sealing key file .*: expected base64url of 32 bytes/],
  ])('a key file with %s → a readable SealingError naming the file', async (_what, content, message) => {
    const keyFile = join(tempDir(), 'sealing.key');
    writeFileSync(keyFile, content, { mode: 0o600 });
    const load = loadSealingKey(loadConfig({ UPKEEP_SEALING_KEY_FILE: keyFile }));
    await expect(load).rejects.toThrow(SealingError);
    await expect(loadSealingKey(loadConfig({ UPKEEP_SEALING_KEY_FILE: keyFile }))).rejects.toThrow(message);
  });

  it('a key file path that cannot be created → SealingError naming the file and the cause', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    const config = loadConfig({ UPKEEP_SEALING_KEY_FILE: join(blocker, 'sealing.key') });
    await expect(loadSealingKey(config)).rejects.toThrow(/sealing key file .*a-file\/sealing.key: ENOTDIR/);
  });
});
