import type { Command } from 'commander';
import { z } from 'zod';
import { AccountCreateRequestSchema, type AccountDetails } from '../schema/accounts.schema.ts';
import { RoleSchema } from '../schema/auth.schema.ts';
import {
  createAccountWithLink,
  findAccountDetails,
  issueLoginLink,
  type LoginLink,
} from '../server/auth/account-admin.service.ts';
import type { Config } from '../server/config.ts';
import type { DatabaseHandle } from '../server/db/database.ts';
import { withCliDatabase } from './cli-database.ts';
import { CliError, runAction } from './cli-io.ts';

type LinkOptions = { email: string; json?: boolean };
type CreateOptions = { email: string; role: string; name?: string; json?: boolean };

export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('Manage accounts directly in the configured database (the operator’s recovery path).');
  admin
    .command('login-link')
    .description('Print a fresh one-time sign-in link for an existing account (single use, valid 24 hours).')
    .requiredOption('--email <email>', 'the account’s email')
    .option('--json', 'print the result as JSON')
    .action((options: LinkOptions) => runAction(options.json === true, () => loginLink(options)));
  admin
    .command('create')
    .description('Create an account without a password and print its one-time sign-in link.')
    .requiredOption('--email <email>', 'the new account’s email')
    .requiredOption('--role <role>', 'admin or agent')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .option('--json', 'print the result as JSON')
    .action((options: CreateOptions) => runAction(options.json === true, () => create(options)));
}

async function loginLink(options: LinkOptions): Promise<void> {
  const email = parseField('--email', z.email().max(254), options.email);
  await withDatabase(async (handle, config) => {
    const account = await findAccountDetails(handle.db, { email });
    if (!account) throw new CliError(`no account with email ${email}`, 'NOT_FOUND', 1);
    if (account.disabled) {
      throw new CliError(
        `the account ${email} is disabled; an admin must enable it first`,
        'ACCOUNT_DISABLED',
        1,
      );
    }
    const link = await issueLoginLink(handle.db, account.id, linkBase(config), new Date());
    report(options.json === true, account, link);
  });
}

async function create(options: CreateOptions): Promise<void> {
  const input = {
    email: parseField('--email', AccountCreateRequestSchema.shape.email, options.email),
    role: parseField('--role', RoleSchema, options.role),
    name: parseField(
      '--name',
      AccountCreateRequestSchema.shape.name,
      options.name ?? options.email.split('@')[0],
    ),
  };
  await withDatabase(async (handle, config) => {
    const now = new Date();
    const created = await createAccountWithLink(handle.db, input, linkBase(config), now);
    if (!created.ok) {
      throw new CliError(
        `an account with email ${input.email} exists already; use "upkeep admin login-link --email ${input.email}"`,
        'EMAIL_TAKEN',
        1,
      );
    }
    report(options.json === true, created.account, created.loginLink);
  });
}

function report(json: boolean, account: AccountDetails, link: LoginLink): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ account, loginLink: link })}\n`);
    return;
  }
  process.stdout.write(
    `One-time sign-in link for ${account.email} (${account.role}), single use, valid until ${link.expiresAt}:\n  ${link.url}\n`,
  );
}

/** Validates one option with the API's own schema; a bad value names the option and the rule. */
function parseField<T>(option: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CliError(
    `${option}: ${issue?.message ?? 'invalid'} (${issue?.code ?? 'invalid'})`,
    'INVALID_INPUT',
    2,
  );
}

/** Links point at UPKEEP_PUBLIC_URL when set, else at the address `upkeep serve` listens on. */
function linkBase(config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

const LOCKED_HINT =
  '. It serves one process at a time: stop the server, run this command, then start it again ' +
  '(or, while it runs, an admin can use POST /v1/accounts and POST /v1/accounts/:id/login-link).';

function withDatabase(action: (handle: DatabaseHandle, config: Config) => Promise<void>): Promise<void> {
  return withCliDatabase(action, LOCKED_HINT);
}
