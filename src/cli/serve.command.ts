import type { Command } from 'commander';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { startIdempotencySweeper } from '../server/billing/idempotency-sweeper.ts';
import { type Config, loadConfig } from '../server/config.ts';
import { scheduleLapseNotices } from '../server/contracts/lapse-notices.ts';
import { DataDirInUseError, DataDirUnusableError } from '../server/db/data-dir-lock.ts';
import { createDatabase, type DatabaseHandle } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { seedDemo, storePresetPlans } from '../server/demo/demo.seed.ts';
import { DEMO_CUSTOMER_EMAIL, seedDemoCommerce } from '../server/demo/demo-commerce.seed.ts';
import { ensureFirstAdmin } from '../server/demo/first-admin.ts';
import { createLogger } from '../server/http/logger.ts';
import { startWorkers } from '../server/jobs/workers.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../server/mail/inbound/smtp-receiver.ts';
import { startMailWorker } from '../server/mail/mail-worker.ts';
import type { SealingKey } from '../server/secrets/sealing.ts';
import { startBackupPurgeScheduler } from '../server/systems/backup-purge.ts';
import { BackupStore } from '../server/systems/backup-store.ts';
import { startWebhookDelivery } from '../server/webhooks/webhook-delivery.ts';
import { CliError, runAction } from './cli-io.ts';
import { loadCliSealingKey } from './sealing-key.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP server (migrates the database; creates the first admin on a fresh one).')
    .option('--demo', 'seed demo data (a demo agent, products, customers and contracts); safe to repeat')
    .action((options: { demo?: boolean }) => runAction(false, () => serve(options.demo === true)));
}

async function serve(demo: boolean): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase(config, logger);
  try {
    // Loaded once (after the data directory exists): a bad key or key file stops the start clearly.
    const sealingKey = await loadCliSealingKey(config);
    await prepareDatabase(handle);
    const now = new Date();
    const link = await ensureFirstAdmin(handle.db, now);
    await storePresetPlans(handle.db);
    let customerToken: string | undefined;
    if (demo) {
      await seedDemo(handle.db, now);
      customerToken = (await seedDemoCommerce(handle.db, config, now, sealingKey)).customerLoginToken;
    }
    const app = await buildApp({ config, db: handle.db, logger, sealingKey });
    const base = await listen(app, config);
    const publicBase = config.publicUrl?.replace(/\/$/, '') ?? base;
    printWelcome(publicBase, handle.backend, {
      admin: link && `${publicBase}/v1/auth/one-time/${link.token}`,
      customer: customerToken && `${publicBase}/v1/auth/one-time/${customerToken}`,
      demo,
    });
    // R4.3: delete backups past their retention on a schedule (UPKEEP_BACKUP_PURGE_INTERVAL_SECONDS).
    const purge = startBackupPurgeScheduler({
      db: handle.db,
      store: new BackupStore(config.backupDir),
      intervalSeconds: config.backupPurgeIntervalSeconds,
      log: logger,
    });
    app.server.once('close', purge.stop);
    // Idempotency keys older than 24 h protect nothing: delete them hourly (docs/billing.md).
    app.server.once('close', startIdempotencySweeper(handle.db, logger).stop);
    // SLA warnings and breaches, auto-closes, lapse notices: jobs at their instants (UPKEEP_WORKERS, default 1).
    await scheduleLapseNotices(handle.db, new Date());
    const workers = startWorkers(handle.db, config.workers, logger);
    app.server.once('close', () => void workers.stop());
    // Notices → mail (SMTP, or the local mailbox without UPKEEP_SMTP_URL) and webhook deliveries.
    const mail = startMailWorker({ db: handle.db, config, sealingKey, log: logger });
    app.server.once('close', () => void mail.stop());
    const webhooks = startWebhookDelivery({ db: handle.db, config, sealingKey, log: logger });
    app.server.once('close', () => void webhooks.stop());
    // Email in (docs/email-in.md): the SMTP receiver for the support address; UPKEEP_SMTP_IN_PORT=0 turns it off.
    const receiver = await startReceiver(config, handle, sealingKey, logger);
    if (receiver) app.server.once('close', () => void receiver.stop());
    stopOnSignal(app, handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function startReceiver(
  config: Config,
  handle: DatabaseHandle,
  sealingKey: SealingKey,
  logger: FastifyBaseLogger,
): Promise<SmtpReceiver | undefined> {
  if (config.mail.inboundPort === 0) return undefined;
  try {
    const receiver = await startSmtpReceiver({ db: handle.db, config, sealingKey, log: logger });
    process.stderr.write(
      `  mail in   smtp://${config.mail.inboundHost}:${receiver.port} for ${config.mail.supportAddress}\n`,
    );
    return receiver;
  } catch (error) {
    // The web app still serves; the operator sees why mail in is off and how to move it.
    logger.error(
      { err: error },
      `the SMTP receiver cannot listen on ${config.mail.inboundHost}:${config.mail.inboundPort}; set UPKEEP_SMTP_IN_PORT (0 = off)`,
    );
    return undefined;
  }
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message, 'INVALID_CONFIG');
  }
}

async function openDatabase(config: Config, logger: FastifyBaseLogger): Promise<DatabaseHandle> {
  try {
    // An idle pooled PostgreSQL connection that drops (server restart, network) is logged, not fatal:
    // the pool replaces it on the next query.
    return await createDatabase(config, {
      onIdleError: (error) => logger.error({ err: error }, 'idle PostgreSQL connection lost'),
    });
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      throw new CliError(
        `the database directory ${error.dataDir} is in use by process ${error.pid} (another "upkeep serve"?). ` +
          'The embedded database serves one process: stop the other one, or set UPKEEP_DATA_DIR to another directory.',
        'DATA_DIR_LOCKED',
      );
    }
    if (error instanceof DataDirUnusableError) throw new CliError(error.message, 'DATA_DIR_UNUSABLE', 1);
    throw error;
  }
}

/** Migrations are the first query: a database that cannot be reached or migrated fails here, in one line. */
async function prepareDatabase(handle: DatabaseHandle): Promise<void> {
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    const where =
      handle.backend === 'postgres' ? 'the PostgreSQL server at DATABASE_URL' : 'the embedded database';
    throw new CliError(`cannot prepare ${where}: ${(error as Error).message}`, 'DATABASE_UNAVAILABLE', 1);
  }
}

async function listen(app: FastifyInstance, config: Config): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`port ${config.port} on ${config.host} is already in use; set PORT`);
    // An address this machine does not have (EADDRNOTAVAIL), a host name that does not resolve
    // (ENOTFOUND, EAI_AGAIN), a privileged port (EACCES): the operator's HOST or PORT to fix.
    if (typeof code === 'string') {
      throw new CliError(
        `cannot listen on ${config.host} port ${config.port} (${code}); check HOST and PORT`,
        'LISTEN_FAILED',
        1,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

type WelcomeLinks = { admin: string | undefined; customer: string | undefined; demo: boolean };

function printWelcome(base: string, backend: string, links: WelcomeLinks): void {
  const { admin: loginLink, customer, demo } = links;
  const lines = [
    '',
    `Upkeep is running on ${backend}${demo ? ' with demo data' : ''}:`,
    `  open      ${base}/`,
    `  API docs  ${base}/docs`,
    `  health    ${base}/health`,
  ];
  if (loginLink) {
    lines.push(
      '',
      'Sign in as the first admin with this one-time link (single use, valid 24 hours;',
      'restart to get a new one until the admin sets a password):',
      `  ${loginLink}`,
      'Open it, press "Sign in", then set a password (POST /v1/auth/password). Locked out later?',
      '"upkeep admin login-link --email <email>" prints a new link (stop the server first).',
    );
  }
  if (customer) {
    lines.push(
      '',
      `Sign in as the demo customer (${DEMO_CUSTOMER_EMAIL}, Globex Ltd, whose Acme Reports`,
      'maintenance lapsed two months ago) with this one-time link:',
      `  ${customer}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n\n`);
}

/** On SIGINT/SIGTERM: stop accepting requests, finish the ones in flight, then close the database. */
function stopOnSignal(app: FastifyInstance, handle: DatabaseHandle): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
    } finally {
      await handle.close();
    }
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
