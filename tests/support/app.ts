import supertest from 'supertest';
import { inject } from 'vitest';
import { createApp } from '../../apps/api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '../../apps/api/src/config/app-config.js';
import { createLogger } from '../../apps/api/src/common/logger.js';

export const TEST_ORIGIN = 'http://localhost:3000';

export interface TestApp {
  app: Awaited<ReturnType<typeof createApp>>;
  config: AppConfig;
  /** A supertest client that keeps no cookies: pass them per request. */
  http: ReturnType<typeof supertest>;
  /** A fresh cookie-keeping client, one per simulated user. */
  agent(): supertest.Agent;
  close(): Promise<void>;
}

/** The real application on the run's database; `env` overrides configuration like the environment would. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { web?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ORIGIN: TEST_ORIGIN,
    DATABASE_URL: inject('databaseUrl'),
    ...env,
  });
  const app = await createApp(config, createLogger(config.logLevel), { web: options.web ?? false });
  const server = app.getHttpServer();
  return {
    app,
    config,
    http: supertest(server),
    agent: () => supertest.agent(server),
    close: () => app.close(),
  };
}

let counter = 0;
/** A unique, valid registration body. */
export function newUser(name = 'Reader'): { email: string; password: string; displayName: string } {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    email: `${name.toLowerCase()}.${id}@example.org`,
    password: `Tin-mines-${id}-1952`,
    displayName: `${name} ${id}`,
  };
}
