import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once, frozen, and passed down as an argument.
 */
const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  UPKEEP_DATA_DIR: z.string().min(1).default('./.upkeep/data'),
  UPKEEP_ARTIFACT_DIR: z.string().min(1).optional(),
  UPKEEP_ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(512 * 1024 * 1024),
  UPKEEP_BACKUP_DIR: z.string().min(1).optional(),
  UPKEEP_BACKUP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(100 * 1024 * 1024),
  // How often `serve` deletes backups past their retention (R4.3); 0 turns the scheduler off.
  UPKEEP_BACKUP_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  UPKEEP_ATTACHMENT_DIR: z.string().min(1).optional(),
  UPKEEP_WORKERS: z.coerce.number().int().min(0).max(16).default(1),
  UPKEEP_AUTO_ASSIGN: z.enum(['off', 'round-robin']).default('off'),
  UPKEEP_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  // The tax rate new invoice lines snapshot (issued invoices keep theirs when this changes).
  UPKEEP_TAX_RATE_PERCENT: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,4})?$/, 'expected a percent as decimal text, e.g. "19" or "7.7"')
    .refine((t) => Number(t) <= 100, 'expected a percent from 0 to 100')
    .default('0'),
  UPKEEP_TAX_MODE: z.enum(['exclusive', 'inclusive']).default('exclusive'),
  // License validation (docs/licensing.md): rate limits per key and per client address, the cache's
  // epoch check interval, the offline-file signing key (Ed25519 PKCS#8 PEM, `\n` allowed) and file lifetime.
  UPKEEP_VALIDATE_RATE_PER_MIN: z.coerce.number().int().min(1).default(600),
  UPKEEP_VALIDATE_RATE_PER_MIN_IP: z.coerce.number().int().min(1).default(1200),
  UPKEEP_LICENSE_CACHE_EPOCH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  UPKEEP_LICENSE_SIGNING_KEY: z.string().min(1).optional(),
  UPKEEP_LICENSE_FILE_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  // Seals secrets resting in the database until used (license keys in outbox notices, docs/licensing.md):
  // base64url of 32 random bytes; without it, a key file created on first use (mode 0600).
  UPKEEP_SEALING_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{43}=?$/,
      'expected base64url of 32 random bytes (43 characters), e.g. `openssl rand 32 | basenc --base64url`',
    )
    .optional(),
  UPKEEP_SEALING_KEY_FILE: z.string().min(1).optional(),
  // Email (docs/notifications.md). Without UPKEEP_SMTP_URL mail lands in the local mailbox
  // (`upkeep mail list`); with it, nodemailer sends by SMTP (smtp://user:pass@host:587, smtps://…:465).
  UPKEEP_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'expected smtp://[user:password@]host[:port] or smtps://…')
    .optional(),
  UPKEEP_MAIL_FROM: z.string().min(3).default('Upkeep Support <support@upkeep.localhost>'),
  // The support address customers write to; replies go to support+<signed token>@its domain.
  UPKEEP_SUPPORT_ADDRESS: z.string().email().default('support@upkeep.localhost'),
  // The SMTP receiver for the support address: port (0 = off) and listening host (default HOST).
  UPKEEP_SMTP_IN_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  UPKEEP_SMTP_IN_HOST: z.string().min(1).optional(),
  // Webhook targets on loopback, private or link-local addresses are refused unless this is true
  // (for a development machine only).
  UPKEEP_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
});

export type Config = Readonly<{
  host: string;
  port: number;
  /** A PostgreSQL server when set; otherwise the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Where release artifacts are stored (a directory); see docs/catalog.md. */
  artifactDir: string;
  /** The largest artifact upload accepted, in bytes (default 512 MiB). */
  artifactMaxBytes: number;
  /** Where system configuration backups are stored (a directory); see docs/systems.md. */
  backupDir: string;
  /** The largest backup upload accepted, in bytes (default 100 MiB). */
  backupMaxBytes: number;
  /** Seconds between scheduled backup purges in `serve`; 0 = off. */
  backupPurgeIntervalSeconds: number;
  /** Where ticket attachments are stored (a directory); see docs/helpdesk.md. */
  attachmentDir: string;
  /** Job workers `serve` runs in its own process (SLA instants, auto-close); 0 = run `upkeep worker` apart. */
  workers: number;
  /** round-robin: new tickets go to the agent assigned longest ago (docs/helpdesk.md). */
  autoAssign: 'off' | 'round-robin';
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  isProduction: boolean;
  /** Tax for new invoices: the rate (decimal percent text) each new line snapshots, and the mode. */
  tax: Readonly<{ ratePercent: string; mode: 'exclusive' | 'inclusive' }>;
  /** License validation and offline license files; see docs/licensing.md. */
  licensing: Readonly<{
    validatePerKeyPerMinute: number;
    validatePerIpPerMinute: number;
    cacheEpochCheckMs: number;
    signingKeyPem: string | undefined;
    licenseFileDays: number;
  }>;
  /** The key that seals secrets at rest: its text (UPKEEP_SEALING_KEY) or the file that holds it. */
  sealing: Readonly<{ keyText: string | undefined; keyFile: string }>;
  /** Email out and in; see docs/notifications.md. */
  mail: Readonly<{
    /** nodemailer's SMTP URL; undefined = the local mailbox (mail is stored, not sent). */
    smtpUrl: string | undefined;
    from: string;
    supportAddress: string;
    /** The SMTP receiver's port (0 = off) and host. */
    inboundPort: number;
    inboundHost: string;
  }>;
  webhooks: Readonly<{ allowPrivateTargets: boolean }>;
}>;

/** Parses configuration from an environment (process.env by default). Throws a readable error naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.UPKEEP_DATA_DIR),
    artifactDir: resolve(e.UPKEEP_ARTIFACT_DIR ?? defaultArtifactDir(e)),
    artifactMaxBytes: e.UPKEEP_ARTIFACT_MAX_BYTES,
    backupDir: resolve(e.UPKEEP_BACKUP_DIR ?? defaultBackupDir(e)),
    backupMaxBytes: e.UPKEEP_BACKUP_MAX_BYTES,
    backupPurgeIntervalSeconds: e.UPKEEP_BACKUP_PURGE_INTERVAL_SECONDS,
    attachmentDir: resolve(e.UPKEEP_ATTACHMENT_DIR ?? defaultAttachmentDir(e)),
    workers: e.UPKEEP_WORKERS,
    autoAssign: e.UPKEEP_AUTO_ASSIGN,
    publicUrl: e.UPKEEP_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    isProduction: e.NODE_ENV === 'production',
    tax: Object.freeze({ ratePercent: e.UPKEEP_TAX_RATE_PERCENT, mode: e.UPKEEP_TAX_MODE }),
    licensing: Object.freeze({
      validatePerKeyPerMinute: e.UPKEEP_VALIDATE_RATE_PER_MIN,
      validatePerIpPerMinute: e.UPKEEP_VALIDATE_RATE_PER_MIN_IP,
      cacheEpochCheckMs: e.UPKEEP_LICENSE_CACHE_EPOCH_MS,
      signingKeyPem: e.UPKEEP_LICENSE_SIGNING_KEY?.replaceAll('\\n', '\n'),
      licenseFileDays: e.UPKEEP_LICENSE_FILE_DAYS,
    }),
    sealing: Object.freeze({
      keyText: e.UPKEEP_SEALING_KEY,
      keyFile: resolve(e.UPKEEP_SEALING_KEY_FILE ?? defaultSealingKeyFile(e)),
    }),
    mail: Object.freeze({
      smtpUrl: e.UPKEEP_SMTP_URL,
      from: e.UPKEEP_MAIL_FROM,
      supportAddress: e.UPKEEP_SUPPORT_ADDRESS.toLowerCase(),
      inboundPort: e.UPKEEP_SMTP_IN_PORT,
      inboundHost: e.UPKEEP_SMTP_IN_HOST ?? e.HOST,
    }),
    webhooks: Object.freeze({ allowPrivateTargets: e.UPKEEP_WEBHOOK_ALLOW_PRIVATE === 'true' }),
  });
}

/** Artifacts live beside the embedded database, or in ./.upkeep/artifacts when a PostgreSQL server holds the data. */
function defaultArtifactDir(e: z.infer<typeof envSchema>): string {
  return e.DATABASE_URL === undefined ? `${e.UPKEEP_DATA_DIR}/artifacts` : './.upkeep/artifacts';
}

/** Backups live beside the embedded database, or in ./.upkeep/backups when a PostgreSQL server holds the data. */
function defaultBackupDir(e: z.infer<typeof envSchema>): string {
  return e.DATABASE_URL === undefined ? `${e.UPKEEP_DATA_DIR}/backups` : './.upkeep/backups';
}

function defaultAttachmentDir(e: z.infer<typeof envSchema>): string {
  return e.DATABASE_URL === undefined ? `${e.UPKEEP_DATA_DIR}/attachments` : './.upkeep/attachments';
}

/** The sealing key file lives beside the embedded database, or in ./.upkeep with a PostgreSQL server. */
function defaultSealingKeyFile(e: z.infer<typeof envSchema>): string {
  return e.DATABASE_URL === undefined ? `${e.UPKEEP_DATA_DIR}/sealing.key` : './.upkeep/sealing.key';
}
