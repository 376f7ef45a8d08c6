import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The public origin (scheme://host[:port]); state-changing requests from any other origin are refused. */
  ORIGIN: z.url().optional(),
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  REDIS_URL: z.string().startsWith('redis').optional(),
  /** Starts the name of every Redis channel this deployment uses, so that deployments sharing a Redis stay apart. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - only (at most 64)')
    .default('scholia'),
  DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.stringbool().default(false),
  SEED_DEMO: z.stringbool().default(true),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  POST_BURST: z.coerce.number().int().min(1).default(30),
  POST_PER_MINUTE: z.coerce.number().int().min(1).default(60),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  origin: string;
  secureCookies: boolean;
  /** Filled in at start when no DATABASE_URL was given and an embedded PostgreSQL was started. */
  databaseUrl: string;
  externalDatabase: boolean;
  redisUrl: string | undefined;
  redisPrefix: string;
  dataDir: string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  trustProxy: boolean;
  seedDemo: boolean;
  repoRoot: string;
  webBuildDir: string;
  migrationsDir: string;
  demoDir: string;
  limits: {
    loginFailuresPerAccount: number;
    loginAttemptsPerIp: number;
    loginWindowSeconds: number;
    postBurst: number;
    postPerMinute: number;
  };
}

/** The injection token for the validated configuration. */
export const APP_CONFIG = Symbol('AppConfig');

export class ConfigError extends Error {}

/** Reads and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const origin = (e.ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    origin,
    secureCookies: origin.startsWith('https:'),
    databaseUrl: e.DATABASE_URL ?? '',
    externalDatabase: e.DATABASE_URL !== undefined,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO,
    repoRoot,
    webBuildDir: path.join(repoRoot, 'apps/web/build'),
    migrationsDir: path.join(repoRoot, 'prisma/migrations'),
    demoDir: path.join(repoRoot, 'prisma/demo'),
    limits: {
      loginFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginAttemptsPerIp: e.LOGIN_MAX_ATTEMPTS_PER_IP,
      loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
      postBurst: e.POST_BURST,
      postPerMinute: e.POST_PER_MINUTE,
    },
  };
}
