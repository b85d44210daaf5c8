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
  UPKEEP_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export type Config = Readonly<{
  host: string;
  port: number;
  /** A PostgreSQL server when set; otherwise the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  isProduction: boolean;
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
    publicUrl: e.UPKEEP_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    isProduction: e.NODE_ENV === 'production',
  });
}
