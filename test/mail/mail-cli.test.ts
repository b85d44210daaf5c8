import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { sendDueMail } from '../../src/server/mail/mail-sender.ts';
import { dispatchOutbox } from '../../src/server/mail/outbox-dispatcher.ts';
import { enqueueNotice } from '../../src/server/outbox/outbox.repository.ts';
import { sealLicenseKeys } from '../../src/server/secrets/notice-secrets.ts';
import { TEST_SEALING_KEY_TEXT, testSealingKey } from '../server/app-helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'upkeep-mail-cli-'));
const env = {
  UPKEEP_DATA_DIR: join(dir, 'data'),
  UPKEEP_SEALING_KEY: TEST_SEALING_KEY_TEXT,
  LOG_LEVEL: 'silent',
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function upkeep(...args: string[]) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.UPKEEP_SMTP_URL;
  const run = spawnSync(process.execPath, ['bin/upkeep.js', 'mail', ...args], {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('upkeep mail list|show: the local mailbox (real processes on an embedded database)', () => {
  it('lists and shows mail kept without SMTP; --reveal opens the sealed key; bad input exits non-zero', async () => {
    const config = loadConfig(env);
    const handle = await createDatabase(config);
    const now = new Date('2026-03-02T09:00:00Z');
    try {
      await migrateToLatest(handle.db);
      const keys = sealLicenseKeys(testSealingKey, [
        { major: 2, prefix: 'UPK-ABCD', key: 'UPK-ABCD-EFGH-IJKL' },
      ]);
      await enqueueNotice(
        handle.db,
        {
          topic: 'license.key-issued',
          recipient: 'ops@customer.test',
          payload: { major: 2, licenseKeys: keys },
        },
        now,
      );
      const deps = {
        db: handle.db,
        config,
        sealingKey: testSealingKey,
        log: { error() {}, warn() {}, info() {} },
      };
      await dispatchOutbox(deps, now);
      await sendDueMail({ ...deps, transport: undefined }, now);
    } finally {
      await handle.close();
    }
    const list = upkeep('list', '--json');
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toEqual([
      expect.objectContaining({ status: 'sent', transport: 'mailbox', to_address: 'ops@customer.test' }),
    ]);
    const id = rows[0].id as string;

    const shown = upkeep('show', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('To: ops@customer.test');
    expect(shown.stdout).toContain('Auto-Submitted: auto-generated');
    expect(shown.stdout).toContain('v2: UPK-ABCD…');
    expect(shown.stdout).not.toContain('UPK-ABCD-EFGH-IJKL');
    const revealed = upkeep('show', id, '--reveal');
    expect(revealed.code).toBe(0);
    expect(revealed.stdout).toContain('v2: UPK-ABCD-EFGH-IJKL');

    expect(upkeep('show', 'mml_nope').code).not.toBe(0);
    const bad = upkeep('list', '--status', 'lost');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of');
  });
});
