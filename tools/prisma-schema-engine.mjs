#!/usr/bin/env node
// Stand-in for Prisma's native schema-engine binary, for machines that cannot download it. The Prisma CLI finds it
// through PRISMA_SCHEMA_ENGINE_BINARY (tools/prisma.mjs sets that) and talks to it the way it talks to the native
// engine: JSON-RPC 2.0, one message per line on stdin/stdout, JSON log lines on stderr, plus the one-shot
// `cli can-connect-to-database` / `cli create-database` commands. The work is done by @prisma/schema-engine-wasm over
// @prisma/adapter-pg. PostgreSQL only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import {
  connectionErrorToPrisma,
  createDatabase,
  parsePostgresUrl,
  withClient,
  withMaintenanceClient,
} from './prisma-engine/connection.mjs';
import { MigrationPgAdapterFactory } from './prisma-engine/pg-adapter.mjs';
import { loadSchemaEngineWasm, takePanicMessage } from './prisma-engine/wasm-engine.mjs';

const PANIC_EXIT_CODE = 101;

function log(level, message, extra = {}) {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...extra },
    target: 'schema_engine::logger',
  };
  process.stderr.write(JSON.stringify(line) + '\n');
}

function parseArgs(argv) {
  const options = { datamodels: [], datasource: undefined, cli: undefined, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--datamodels':
        options.datamodels.push(argv[++i]);
        break;
      case '--datasource':
        options.datasource = JSON.parse(argv[++i] ?? '{}');
        break;
      case '--enabled-preview-features':
      case '--extension-types':
        i++;
        break;
      case '--version':
      case '-V':
        options.version = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case 'cli':
        options.cli = argv[++i];
        break;
      default:
        break;
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const mainUrl = options.datasource?.url;
const main = parsePostgresUrl(mainUrl ?? 'postgresql://localhost/postgres');

let factory;
async function drainAndExit(code) {
  await factory?.releaseAll();
  // stdout/stderr may be asynchronous pipes: exiting before they flush would drop the last answer.
  await Promise.all(
    [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
  );
  process.exit(code);
}

async function runCliCommand(command) {
  // The CLI skips the first stderr line of these commands (the native engine's start-up log) and parses the rest.
  log('INFO', `Starting schema engine (wasm stand-in): ${command}`);
  if (!mainUrl) {
    log('ERROR', 'No datasource URL was given (--datasource).');
    return 1;
  }
  try {
    switch (command) {
      case 'can-connect-to-database':
        await withClient(main.config, (client) => client.query('SELECT 1'));
        return 0;
      case 'create-database':
        await createDatabase(main.config);
        log('INFO', `Database ${main.config.database} created.`);
        return 0;
      case 'drop-database':
        await withMaintenanceClient(main.config, (client) =>
          client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(String(main.config.database))}`),
        );
        return 0;
      default:
        log('ERROR', `Unknown cli command: ${command}`);
        return 1;
    }
  } catch (error) {
    const { error_code, message } = connectionErrorToPrisma(error, main.config);
    log('ERROR', message, error_code ? { error_code } : {});
    return 1;
  }
}

// The native engine attaches Prisma error codes to user-facing errors; the wasm one only gives the message.
const KNOWN_ERRORS = [
  [/^The database schema is not empty/, 'P3005'],
  [/failed to apply cleanly to the shadow database/, 'P3006'],
  [/found failed migrations in the target database/, 'P3009'],
  [/^A migration failed to apply/, 'P3018'],
];

function toRpcError(error, isPanic) {
  const panic = isPanic ? takePanicMessage() : undefined;
  const raw = panic ?? String(error?.message ?? error);
  // The wasm engine appends a span trace ("   0: sql_schema_connector::..."): useful to debug, noise to a user.
  const traceAt = raw.search(/\n\s*0: \w+::/);
  let message = traceAt === -1 ? raw : raw.slice(0, traceAt);
  const trace = traceAt === -1 ? '' : raw.slice(traceAt + 1);
  let errorCode = KNOWN_ERRORS.find(([pattern]) => pattern.test(message))?.[1];
  const failedMigration = /apply_migration::apply_script\s+with migration_name="([^"]+)"/.exec(trace)?.[1];
  if (failedMigration && !errorCode) {
    // What the native engine says (P3018) when a migration script fails during `migrate deploy`/`dev`.
    errorCode = 'P3018';
    message =
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more ' +
      'about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
      `Migration name: ${failedMigration}\n\nDatabase error:\n${message.replace(/^external connector error\n/, '')}\n`;
  }
  const data = { is_panic: isPanic, message, meta: {}, backtrace: trace || undefined };
  if (errorCode) data.error_code = errorCode;
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

function serve() {
  const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
  let nextOwnId = 1_000_000;
  const awaitingCli = new Map();
  // The native engine prints `migrate diff` output by asking the CLI to print it; the wasm one returns it instead.
  const printThroughCli = (content) =>
    new Promise((resolve) => {
      const id = nextOwnId++;
      awaitingCli.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  let enginePromise;
  const engine = () =>
    (enginePromise ??= (async () => {
      const wasm = await loadSchemaEngineWasm();
      const shadow = options.datasource?.shadowDatabaseUrl
        ? parsePostgresUrl(options.datasource.shadowDatabaseUrl)
        : undefined;
      factory = new MigrationPgAdapterFactory(main, shadow);
      const datamodels = options.datamodels.map((file) => [file, readFileSync(path.resolve(file), 'utf8')]);
      const forwardLog = (line) => process.stderr.write(String(line).replace(/\n/g, ' ') + '\n');
      return wasm.SchemaEngine.new(
        { datamodels: datamodels.length > 0 ? datamodels : undefined },
        forwardLog,
        bindMigrationAwareSqlAdapterFactory(factory),
      );
    })());

  const passThrough = new Set([
    'applyMigrations',
    'createMigration',
    'dbExecute',
    'devDiagnostic',
    'diagnoseMigrationHistory',
    'ensureConnectionValidity',
    'evaluateDataLoss',
    'introspect',
    'introspectSql',
    'markMigrationApplied',
    'markMigrationRolledBack',
    'reset',
    'schemaPush',
  ]);

  async function call(method, params) {
    if (method === 'createDatabase') {
      const source = params?.datasource;
      const url = source?.tag === 'ConnectionString' ? source.url : mainUrl;
      return { databaseName: await createDatabase(parsePostgresUrl(url).config) };
    }
    const e = await engine();
    if (method === 'getDatabaseVersion') return e.version(params ?? null);
    if (method === 'debugPanic') return e.debugPanic();
    if (method === 'diff') {
      const result = await e.diff(params);
      if (result.stdout) await printThroughCli(result.stdout);
      return { exitCode: result.exitCode, stdout: null };
    }
    if (passThrough.has(method)) return (await e[method](params)) ?? {};
    throw Object.assign(new Error(`Method not found: ${method}`), { rpcCode: -32601 });
  }

  let current;
  let queue = Promise.resolve();
  const handle = async (request) => {
    current = request;
    try {
      const result = await call(request.method, request.params);
      send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      const isPanic = error instanceof WebAssembly.RuntimeError;
      if (error?.rpcCode)
        send({ jsonrpc: '2.0', id: request.id, error: { code: error.rpcCode, message: error.message } });
      else send({ jsonrpc: '2.0', id: request.id, error: toRpcError(error, isPanic) });
      if (isPanic) await drainAndExit(PANIC_EXIT_CODE);
    } finally {
      current = undefined;
    }
  };

  // A panic inside the wasm engine's futures surfaces as an uncaught exception, not as a rejected call.
  process.on('uncaughtException', (error) => {
    log('ERROR', String(error?.message ?? error), { is_panic: true });
    if (current) send({ jsonrpc: '2.0', id: current.id, error: toRpcError(error, true) });
    void drainAndExit(PANIC_EXIT_CODE);
  });

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (message.method === undefined && message.id !== undefined && awaitingCli.has(message.id)) {
      awaitingCli.get(message.id)();
      awaitingCli.delete(message.id);
      return;
    }
    if (typeof message.method !== 'string') return;
    // One request at a time, in order, as the native engine does.
    queue = queue.then(() => handle(message));
  });
  lines.on('close', () => {
    void queue.then(() => drainAndExit(0));
  });
  // The CLI ends the engine with SIGTERM right after its last answer; let a pending shadow-database drop finish.
  process.on('SIGTERM', () => void queue.then(() => drainAndExit(0)));
  process.on('SIGINT', () => void drainAndExit(130));
}

if (options.help) {
  process.stdout.write(
    'prisma-schema-engine.mjs: a stand-in for the Prisma schema engine, backed by @prisma/schema-engine-wasm\n',
  );
} else if (options.version) {
  const wasm = await loadSchemaEngineWasm();
  process.stdout.write(`schema-engine-cli ${wasm.version()} (wasm stand-in)\n`);
} else if (options.cli) {
  process.exit(await runCliCommand(options.cli));
} else {
  serve();
}
