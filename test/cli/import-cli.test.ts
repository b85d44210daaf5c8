import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'upkeep-import-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `upkeep …` on the embedded database in `root/data`; never throws, returns the exit code. */
async function upkeep(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, UPKEEP_DATA_DIR: join(root, 'data') };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/upkeep.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

describe('upkeep import | backups purge (spawned)', () => {
  it('a bad row: exit 1, the report names row and column (text and --json), nothing imported; a good file imports', async () => {
    const bad = file(
      'bad.csv',
      '\uFEFFexternalRef,name,adminEmail,adminName\r\nCRM-1,"Acme, Inc.",ann@acme.test,Ann\r\nCRM-2,Beta,not-an-email,\r\n',
    );
    const text = await upkeep('import', 'customers', bad);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('row 3, column adminEmail: expected an email address (invalid_format)');
    expect(text.stderr).toContain('1 error; nothing was imported');

    const json = await upkeep('import', 'customers', bad, '--json');
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.error).toMatchObject({ code: 'IMPORT_FAILED', details: { ok: false, imported: 0 } });
    expect(body.error.details.errors).toEqual([
      { row: 3, column: 'adminEmail', rule: 'invalid_format', message: 'expected an email address' },
    ]);

    const dry = await upkeep(
      'import',
      'customers',
      file('good.csv', 'externalRef,name,adminEmail\nCRM-1,"Acme, Inc.",ann@acme.test\n'),
      '--dry-run',
    );
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('1 customers rows are valid (dry run: nothing written)');
    const real = await upkeep('import', 'customers', join(root, 'good.csv'), '--json');
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      ok: true,
      imported: 1,
      created: [{ row: 2, externalRef: 'CRM-1' }],
    });
    // The same file again: the organisation exists now.
    const again = await upkeep('import', 'customers', join(root, 'good.csv'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('row 2, column externalRef');
  });

  it('backups purge --dry-run --json reports and deletes nothing; a missing file is one line, exit 1', async () => {
    const purge = await upkeep('backups', 'purge', '--dry-run', '--json');
    expect(purge.code).toBe(0);
    expect(JSON.parse(purge.stdout)).toEqual({ dryRun: true, contractsChecked: 0, deleted: [], warned: [] });
    const missing = await upkeep('import', 'contracts', join(root, 'nope.csv'));
    expect(missing).toMatchObject({
      code: 1,
      stderr: `upkeep: cannot read ${join(root, 'nope.csv')}: ENOENT\n`,
    });
  });
});
