#!/usr/bin/env node
// Runs the Prisma CLI with the wasm-backed stand-in schema engine (Prisma's native engine binary is downloaded from
// the internet, which this project must not need). Commands that need a database and get no DATABASE_URL run against
// an embedded PostgreSQL whose data lives in .data/postgres.
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const engine = path.join(root, 'tools', 'prisma-schema-engine.mjs');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const args = process.argv.slice(2);

// The CLI executes the engine directly; a checkout or copy may have lost the executable bit.
try {
  accessSync(engine, constants.X_OK);
} catch {
  chmodSync(engine, 0o755);
}

function needsDatabase(argv) {
  const [command, subcommand] = argv.filter((arg) => !arg.startsWith('-'));
  if (command === 'migrate') {
    // `migrate diff` needs a server only for a shadow database (migrations) or the configured database itself.
    if (subcommand === 'diff') return argv.some((arg) => /^--(from|to)-(migrations|config-datasource)\b/.test(arg));
    return true;
  }
  return command === 'db' || command === 'studio';
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: engine,
  // Both would otherwise reach out to the network.
  CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? '1',
  PRISMA_HIDE_UPDATE_MESSAGE: process.env.PRISMA_HIDE_UPDATE_MESSAGE ?? '1',
};

const forwardedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let embedded;
if (!process.env.DATABASE_URL && needsDatabase(args)) {
  const { tsImport } = await import('tsx/esm/api');
  const modulePath = path.join(root, 'apps', 'api', 'src', 'database', 'embedded-postgres.ts');
  const { startEmbeddedPostgres } = await tsImport(pathToFileURL(modulePath).href, import.meta.url);
  const dataDir = path.join(root, '.data', 'postgres');
  const before = new Map(forwardedSignals.map((signal) => [signal, process.listeners(signal)]));
  try {
    embedded = await startEmbeddedPostgres({ dataDir });
  } catch (error) {
    process.stderr.write(
      `Could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  }
  // embedded-postgres stops its servers and exits on these signals; here the CLI has to finish with the database first.
  for (const signal of forwardedSignals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal).includes(listener)) process.off(signal, listener);
    }
  }
  env.DATABASE_URL = embedded.url;
  process.stderr.write(
    `DATABASE_URL is not set: using the embedded PostgreSQL in ${path.relative(process.cwd(), dataDir) || dataDir}\n`,
  );
}

const child = spawn(process.execPath, [prismaCli, ...args], { stdio: 'inherit', env });
// This process outlives the CLI, to stop the database after it.
for (const signal of forwardedSignals) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  await embedded?.stop().catch((error) => process.stderr.write(`Stopping the embedded PostgreSQL failed: ${error}\n`));
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
