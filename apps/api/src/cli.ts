// The command line: `pnpm scholia import FILE --group SLUG [...]` (node apps/api/dist/cli.js).
// Only what checking the arguments and the file needs is loaded up front; the application (seconds to load) after.
import 'reflect-metadata';
import { pino } from 'pino';
import type { Database } from './bootstrap.js';
import { CliError, IMPORT_USAGE, parseImportArgs, readImport } from './cli/import-command.js';
import { ConfigError, loadConfig } from './config/app-config.js';

const USAGE = `Usage: scholia <command> [options]

Commands:
  import FILE --group SLUG [--title T] [--author A] [--source S] [--format text|markdown]
      Import a plain text or Markdown file into a group as a new document.

Run \`scholia import --help\` for details.`;

async function importCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return;
  }
  const options = parseImportArgs(argv);
  // Check the file before starting anything: a typo in its name should not wait for a database.
  const body = await readImport(options);

  let config;
  try {
    // The command's own chatter goes to stderr, and only warnings unless LOG_LEVEL asks for more.
    config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, SEED_DEMO: 'false' });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
  const [
    { NestFactory },
    { AppModule },
    { prepareDatabase },
    { CliRepository },
    { PinoNestLogger },
    { ProblemException },
    { PrismaService },
    { DocumentsService },
  ] = await Promise.all([
    import('@nestjs/core'),
    import('./app.module.js'),
    import('./bootstrap.js'),
    import('./cli/cli.repository.js'),
    import('./common/logger.js'),
    import('./common/problem.js'),
    import('./database/prisma.service.js'),
    import('./documents/documents.service.js'),
  ]);
  const logger = pino(
    { level: config.logLevel, base: { app: 'scholia-cli' } },
    pino.destination({ dest: 2, sync: true }),
  );

  let db: Database;
  try {
    db = await prepareDatabase(config, logger);
  } catch (error) {
    throw new CliError(`Cannot open the database: ${(error as Error).message}`);
  }
  config.databaseUrl = db.url;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  try {
    const group = await new CliRepository(app.get(PrismaService)).groupWithOwner(options.group);
    if (!group) throw new CliError(`No group has the slug "${options.group}".`);
    if (!group.owner) throw new CliError(`The group "${group.slug}" has no owner to import as.`);
    let id: string;
    try {
      id = await app.get(DocumentsService).importInto(group.id, group.owner.id, body);
    } catch (error) {
      if (error instanceof ProblemException)
        throw new CliError(`Cannot import ${options.file}: ${error.problem.detail ?? error.problem.title}`);
      throw error;
    }
    const url = `${config.origin}/groups/${group.slug}/documents/${id}`;
    process.stdout.write(
      `Imported “${body.title}” into ${group.name} (${group.slug}) as ${group.owner.displayName}.\n` +
        `id:  ${id}\n` +
        `url: ${url}\n`,
    );
  } finally {
    await app.close();
    await db.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'import':
        await importCommand(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`Unknown command "${command}".\n\n${USAGE}`, 2);
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`scholia: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`scholia: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
// Open handles (database pools, timers) must not keep a finished command alive.
process.exit();
