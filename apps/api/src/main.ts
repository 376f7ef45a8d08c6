import { createApp, prepareDatabase } from './bootstrap.js';
import { loadConfig } from './config/app-config.js';
import { createLogger } from './common/logger.js';
import { DemoSeedService, type DemoCredentials } from './seed/demo-seed.service.js';

function printCredentials(c: DemoCredentials, origin: string): void {
  const lines = [
    '',
    '  Scholia demo seminar created (these passwords are shown only this once):',
    ...c.accounts.map((a) => `    ${a.role.padEnd(10)} ${a.email.padEnd(26)} ${a.password}   (${a.displayName})`),
    `    invite code for new students: ${c.inviteCode}`,
    `    open ${origin}/groups/${c.groupSlug}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const db = await prepareDatabase(config, logger);
  config.databaseUrl = db.url;
  const app = await createApp(config, logger, { web: true });
  if (config.seedDemo) {
    const created = await app.get(DemoSeedService).seed();
    if (created) printCredentials(created, config.origin);
  }
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.env.SCHOLIA_INTERNAL_URL = `http://127.0.0.1:${port}`;
  logger.info({ port, origin: config.origin }, `Scholia is listening on http://localhost:${port}`);

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await db.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Scholia failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
