import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, MigrationFailedError } from './migrator.js';

const execFileAsync = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const migrationsDir = path.join(root, 'prisma', 'migrations');
// The server the test databases are created on (each test gets its own, dropped afterwards): DATABASE_URL's, else the
// one holding the run's database when a global setup provides it, else a local PostgreSQL.
const provided = (inject as (key: string) => unknown)('databaseUrl');
const serverUrl =
  process.env.DATABASE_URL ??
  (typeof provided === 'string' ? provided : undefined) ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const created: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `scholia_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  await withClient(serverUrl, async (client) => {
    for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

let migrationNames: string[];
let expectedTables: string[];

beforeAll(async () => {
  migrationNames = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const schema = await readFile(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  expectedTables = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].map(
    ([, model, body]) => /@@map\("([^"]+)"\)/.exec(body ?? '')?.[1] ?? model ?? '',
  );
});

async function tablesOf(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return rows.map((row) => row.table_name);
  });
}

async function migrationRows(url: string) {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name',
    );
    return rows;
  });
}

function prismaCli(url: string, ...args: string[]) {
  return execFileAsync(process.execPath, [path.join(root, 'tools', 'prisma.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, CI: 'true' },
  });
}

describe('applyMigrations', () => {
  it('creates every table of the schema in a fresh database, recording each migration as Prisma does', async () => {
    const url = await freshDatabase();
    const messages: string[] = [];

    const applied = await applyMigrations(url, migrationsDir, (msg) => messages.push(msg));

    expect(applied).toEqual(migrationNames);
    expect(await tablesOf(url)).toEqual(expect.arrayContaining([...expectedTables, '_prisma_migrations']));
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const script = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
    expect(messages.some((msg) => msg.includes(migrationNames[0] ?? '?'))).toBe(true);
  });

  it('does nothing the second time', async () => {
    const url = await freshDatabase();
    await applyMigrations(url, migrationsDir);
    const before = await migrationRows(url);

    expect(await applyMigrations(url, migrationsDir)).toEqual([]);
    expect(await migrationRows(url)).toEqual(before);
  });

  it('leaves `prisma migrate status` and `migrate deploy` with nothing to do', async () => {
    const url = await freshDatabase();
    await applyMigrations(url, migrationsDir);

    const status = await prismaCli(url, 'migrate', 'status');
    expect(status.stdout).toContain('Database schema is up to date!');
    const deploy = await prismaCli(url, 'migrate', 'deploy');
    expect(deploy.stdout).toContain('No pending migrations to apply.');
  }, 120_000);

  it('agrees with a database that `prisma migrate deploy` migrated', async () => {
    const url = await freshDatabase();
    await prismaCli(url, 'migrate', 'deploy');

    expect(await applyMigrations(url, migrationsDir)).toEqual([]);
  }, 120_000);

  it('applies each migration once when two processes start at the same time', async () => {
    const url = await freshDatabase();

    const results = await Promise.all([applyMigrations(url, migrationsDir), applyMigrations(url, migrationsDir)]);

    expect(results.flat().sort()).toEqual(migrationNames);
    expect((await migrationRows(url)).map((row) => row.migration_name)).toEqual(migrationNames);
  });

  describe('with a migration that fails', () => {
    let dir: string;
    const broken = '99999999999999_broken';

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'scholia-migrations-'));
      await cp(migrationsDir, dir, { recursive: true });
      await mkdir(path.join(dir, broken));
      await writeFile(
        path.join(dir, broken, 'migration.sql'),
        'CREATE TABLE "broken_probe" (id INT);\nSELECT * FROM "no_such_table";\n',
      );
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('stops with an error naming it, keeps the failure on record and refuses to continue', async () => {
      const url = await freshDatabase();

      const failure = await applyMigrations(url, dir).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationFailedError);
      expect((failure as MigrationFailedError).migrationName).toBe(broken);
      expect((failure as Error).message).toMatch(/no_such_table/);
      expect((failure as Error).message).toMatch(/line 2/);
      expect((failure as Error).message).toMatch(/migrate resolve --rolled-back 99999999999999_broken/);

      const rows = await migrationRows(url);
      const failed = rows.find((row) => row.migration_name === broken);
      expect(failed?.finished_at).toBeNull();
      expect(failed?.logs).toMatch(/no_such_table/);
      // The script ran as one transaction: its first statement was rolled back too.
      expect(await tablesOf(url)).not.toContain('broken_probe');
      expect(rows.filter((row) => row.finished_at !== null).map((row) => row.migration_name)).toEqual(migrationNames);

      await expect(applyMigrations(url, dir)).rejects.toThrow(/unresolved: 99999999999999_broken/);
    });
  });

  it('refuses a database that has tables but no migration history', async () => {
    const url = await freshDatabase();
    await withClient(url, (client) => client.query('CREATE TABLE "unrelated" (id INT)'));

    await expect(applyMigrations(url, migrationsDir)).rejects.toThrow(/not empty/);
  });
});
