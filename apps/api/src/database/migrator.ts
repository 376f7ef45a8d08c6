// Applies prisma/migrations at start-up with plain `pg`, keeping `_prisma_migrations` exactly as Prisma Migrate does,
// so that the Prisma CLI (`migrate status`, `migrate deploy`, `migrate dev`) and the app agree on what is applied.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** The advisory lock key Prisma Migrate takes, so the app and the CLI never migrate one database at the same time. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// Prisma's own definition of the table, column for column.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface Migration {
  name: string;
  script: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

/** A migration script failed; its row is left unfinished in `_prisma_migrations`, as Prisma leaves it. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MigrationFailedError';
  }
}

/**
 * Applies the migrations in `migrationsDir` that the database has not had yet, in name order, and returns their names.
 * Each script runs as one simple-protocol query, which PostgreSQL executes as a single transaction (as Prisma does).
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client(connectionConfig(databaseUrl));
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      PRISMA_MIGRATE_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) {
      log('Another process is migrating this database; waiting for it to finish');
      await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    }
    try {
      return await applyPending(client, migrations, log);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Prisma's `?schema=` parameter picks the PostgreSQL schema; pg would ignore it. */
function connectionConfig(databaseUrl: string): pg.ClientConfig {
  let schema: string | null = null;
  let connectionString = databaseUrl;
  try {
    const url = new URL(databaseUrl);
    schema = url.searchParams.get('schema');
    url.searchParams.delete('schema');
    connectionString = url.toString();
  } catch {
    // Not a URL pg could use either; let pg report it.
  }
  if (!schema) return { connectionString, application_name: 'scholia-migrator' };
  const quoted = `"${schema.replace(/"/g, '""')}"`.replace(/[\\ ]/g, '\\$&');
  return { connectionString, application_name: 'scholia-migrator', options: `-c search_path=${quoted}` };
}

async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`Cannot read the migrations folder ${migrationsDir}: ${(error as Error).message}`);
  }
  const lock = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const provider = lock === null ? null : /^\s*provider\s*=\s*"([^"]*)"/m.exec(lock)?.[1];
  if (provider && provider !== 'postgresql') {
    throw new Error(`${migrationsDir} holds migrations for ${provider}, not PostgreSQL (migration_lock.toml).`);
  }
  // The order Prisma uses (it sorts with localeCompare too).
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      try {
        return { name, script: await readFile(file, 'utf8') };
      } catch (error) {
        throw new Error(`Migration ${name} has no readable migration.sql: ${(error as Error).message}`);
      }
    }),
  );
}

function checksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Prisma accepts a script whose line endings a checkout converted since it was applied. */
function matchesChecksum(script: string, expected: string): boolean {
  const lf = script.replace(/\r\n/g, '\n');
  return [script, lf, lf.replace(/\n/g, '\r\n')].some((variant) => checksum(variant) === expected);
}

async function applyPending(client: pg.Client, migrations: Migration[], log: (msg: string) => void): Promise<string[]> {
  const { rows: tableRows } = await client.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!tableRows[0]?.present) {
    if (await schemaHasObjects(client)) {
      throw new Error(
        'The database schema is not empty but has no migration history (_prisma_migrations), so applying migrations ' +
          'could clash with what is there. Baseline it first: https://pris.ly/d/migrate-baseline',
      );
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
  }

  const { rows } = await client.query<MigrationRow>(
    'SELECT id, checksum, migration_name, finished_at, rolled_back_at, started_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const list = failed.map((row) => `${row.migration_name} (started ${row.started_at.toISOString()})`).join(', ');
    throw new MigrationFailedError(
      failed[0]?.migration_name ?? '',
      `Earlier migration attempts failed and are unresolved: ${list}. No migration will be applied until they are ` +
        'resolved. Fix the cause, then mark each one with `node tools/prisma.mjs migrate resolve --rolled-back <name>` ' +
        '(or `--applied <name>` if you completed it by hand). See https://pris.ly/d/migrate-resolve',
    );
  }

  const applied = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (row.finished_at !== null && row.rolled_back_at === null) applied.set(row.migration_name, row);
  }
  const known = new Set(migrations.map((migration) => migration.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) log(`Migration ${name} is recorded in the database but missing from the migrations folder`);
  }

  const appliedNow: string[] = [];
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row) {
      if (!matchesChecksum(migration.script, row.checksum)) {
        log(`Migration ${migration.name} was modified after it was applied; the database keeps the applied version`);
      }
      continue;
    }
    log(`Applying migration ${migration.name}`);
    await applyOne(client, migration);
    appliedNow.push(migration.name);
  }
  return appliedNow;
}

async function schemaHasObjects(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     ) OR EXISTS (
       SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = current_schema() AND t.typtype = 'e'
     ) AS found`,
  );
  return rows[0]?.found === true;
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  // Recorded before the script runs, so that a crash or failure leaves a visible unfinished row (Prisma's P3009).
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, checksum(migration.script), migration.name],
  );
  try {
    await client.query(migration.script);
  } catch (error) {
    const details = describeDatabaseError(error, migration.script);
    await client.query('UPDATE "_prisma_migrations" SET logs = $1 WHERE id = $2', [details, id]).catch(() => {});
    throw new MigrationFailedError(
      migration.name,
      `Migration ${migration.name} failed to apply: ${details}\n` +
        'Unless the script commits by itself, PostgreSQL rolled back all of its changes. The failure is recorded in ' +
        '_prisma_migrations and blocks further migrations: fix the migration, then run ' +
        `\`node tools/prisma.mjs migrate resolve --rolled-back ${migration.name}\` and start again.`,
      error,
    );
  }
  await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
    id,
  ]);
}

function describeDatabaseError(error: unknown, script: string): string {
  if (!(error instanceof Error)) return String(error);
  const pgError = error as Error & { code?: string; position?: string; detail?: string; hint?: string };
  let text = pgError.code ? `${pgError.message} (SQLSTATE ${pgError.code})` : pgError.message;
  const position = Number(pgError.position);
  if (Number.isInteger(position) && position > 0) {
    // PostgreSQL counts characters, not UTF-16 code units.
    const line = Array.from(script)
      .slice(0, position - 1)
      .join('')
      .split('\n').length;
    text += `\nat line ${line}: ${script.split('\n')[line - 1]?.trim() ?? ''}`;
  }
  if (pgError.detail) text += `\nDetail: ${pgError.detail}`;
  if (pgError.hint) text += `\nHint: ${pgError.hint}`;
  return text;
}
