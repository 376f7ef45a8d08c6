import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { PinoNestLogger } from './common/logger.js';
import { ProblemFilter } from './common/problem.filter.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { applyMigrations } from './database/migrator.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';

// Documents are up to 2 MB of text; JSON escaping can grow that a little.
const BODY_LIMIT = '3mb';

export interface Database {
  url: string;
  stop(): Promise<void>;
}

/** The database to use: DATABASE_URL, or a PostgreSQL started from npm binaries in the data folder; migrated. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<Database> {
  const db: Database = config.externalDatabase
    ? { url: config.databaseUrl, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        logger: (msg: string) => logger.debug({ context: 'embedded-postgres' }, msg),
      });
  const applied = await applyMigrations(db.url, config.migrationsDir, (msg) =>
    logger.info({ context: 'migrate' }, msg),
  );
  if (applied.length) logger.info({ context: 'migrate', applied }, `applied ${applied.length} migration(s)`);
  return db;
}

/** The Nest application with its HTTP conventions; with `web`, the SvelteKit pages are served from the same port. */
export async function createApp(
  config: AppConfig,
  logger: Logger,
  options: { web: boolean },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  if (config.redisUrl) {
    const adapter = new RedisIoAdapter(app, config.redisUrl, config.redisPrefix);
    await adapter.connect();
    app.useWebSocketAdapter(adapter);
  }
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  const problems = new ProblemFilter();
  const json = express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    json(req, res, (err?: unknown) => (err ? problems.send(err, req, res) : next()));
  });
  app.use(requestLog(logger));
  if (options.web) {
    const web = await loadWebHandler(config);
    app.use((req: Request, res: Response, next: NextFunction) =>
      req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/socket.io/')
        ? next()
        : web(req, res, next),
    );
  }
  await app.init();
  return app;
}

async function loadWebHandler(config: AppConfig): Promise<RequestHandler> {
  // adapter-node reads these when its handler is imported.
  process.env.ORIGIN = config.origin;
  process.env.BODY_SIZE_LIMIT ??= '3M';
  const mod = (await import(pathToFileURL(path.join(config.webBuildDir, 'handler.js')).href)) as {
    handler: RequestHandler;
  };
  return mod.handler;
}

function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
