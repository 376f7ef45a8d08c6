import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { applyMigrations } from '../../apps/api/src/database/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One database per test run, so runs never see each other's data: on DATABASE_URL's server when it is set, else on a
 * PostgreSQL started from npm binaries in a temporary folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  if (!serverUrl) {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'scholia-test-pg-'));
    const embedded = await withoutExitHooks(async () => {
      const { startEmbeddedPostgres } = await import('../../apps/api/src/database/embedded-postgres.js');
      return startEmbeddedPostgres({ dataDir: tmp! });
    });
    serverUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const name = `scholia_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString(), path.resolve('prisma/migrations'));
  project.provide('databaseUrl', url.toString());
  process.stdout.write(`test database: ${name} on ${url.host}${stopEmbedded ? ' (embedded)' : ''}\n`);

  return async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
    await stopEmbedded?.();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
}

const HOOKED = [
  'exit',
  'beforeExit',
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'uncaughtException',
  'unhandledRejection',
] as const;

/**
 * embedded-postgres registers exit hooks that end the process with code 0, which would turn a failed test run green;
 * the teardown below stops the server itself, so its hooks are removed again.
 */
async function withoutExitHooks<T>(fn: () => Promise<T>): Promise<T> {
  const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  try {
    return await fn();
  } finally {
    for (const e of HOOKED) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    }
  }
}
