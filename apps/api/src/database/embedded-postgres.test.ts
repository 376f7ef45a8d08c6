import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedAncestor, startEmbeddedPostgres } from './embedded-postgres.js';

let base: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'scholia-embedded-pg-'));
  // Run as root, the server runs as the `postgres` user, who must be able to reach the data folder.
  await chmod(base, 0o755);
});

afterAll(() => rm(base, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster with the database, and keeps its data across stop and start', async () => {
    const dataDir = path.join(base, 'reused');

    const first = await startEmbeddedPostgres({ dataDir, database: 'kept' });
    expect(first.url).toMatch(/^postgresql:\/\/.+@127\.0\.0\.1:\d+\/kept$/);
    await query(first.url, 'CREATE TABLE notes (body TEXT)');
    await query(first.url, 'INSERT INTO notes VALUES ($1)', ['still here']);
    await first.stop();
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow();

    const second = await startEmbeddedPostgres({ dataDir, database: 'kept' });
    try {
      expect(await query(second.url, 'SELECT body FROM notes')).toEqual([{ body: 'still here' }]);
      expect(await query(second.url, 'SHOW server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('listens on the port it is given', async () => {
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir: path.join(base, 'fixed-port'), port });
    try {
      expect(new URL(server.url).port).toBe(String(port));
      expect(await query(server.url, 'SELECT current_database() AS db')).toEqual([{ db: 'scholia' }]);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('starts again after its server was killed, leaving a stale postmaster.pid', async () => {
    const dataDir = path.join(base, 'killed');
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.url, 'CREATE TABLE survivors (id INT)');
    await query(first.url, 'INSERT INTO survivors VALUES (1)');
    const pid = await postmasterPid(dataDir);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query(second.url, 'SELECT id FROM survivors')).toEqual([{ id: 1 }]);
      await first.stop();
      expect(await query(second.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('ignores a postmaster.pid whose PID now belongs to another program', async () => {
    const dataDir = path.join(base, 'reused-pid');
    const first = await startEmbeddedPostgres({ dataDir });
    const lockFile = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
    await first.stop();
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      lockFile[0] = String(other.pid);
      await writeFile(path.join(dataDir, 'postmaster.pid'), lockFile.join('\n'));

      const second = await startEmbeddedPostgres({ dataDir });
      try {
        expect(await query(second.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
      } finally {
        await second.stop();
      }
    } finally {
      other.kill();
    }
  }, 120_000);

  it('shares a server already running on the same folder, and leaves it running when done', async () => {
    const dataDir = path.join(base, 'shared');
    const owner = await startEmbeddedPostgres({ dataDir });
    try {
      const guest = await startEmbeddedPostgres({ dataDir, database: 'guest' });
      expect(new URL(guest.url).port).toBe(new URL(owner.url).port);
      await guest.stop();
      expect(await query(owner.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
      expect(await query(guest.url, 'SELECT current_database() AS db')).toEqual([{ db: 'guest' }]);
    } finally {
      await owner.stop();
    }
  }, 120_000);
});

describe('closedAncestor', () => {
  it('names the nearest folder others cannot enter, which as root would keep the "postgres" user out', async () => {
    const top = await mkdtemp(path.join(os.tmpdir(), 'scholia-closed-'));
    try {
      await chmod(top, 0o755);
      const file = path.join(top, 'a', 'b', 'data');
      await mkdir(path.dirname(file), { recursive: true });
      await chmod(path.join(top, 'a'), 0o700);
      expect(await closedAncestor(file)).toBe(path.join(top, 'a'));
      await chmod(path.join(top, 'a'), 0o755);
      expect(await closedAncestor(file)).toBe((await closedAncestor(top)) ?? undefined);
    } finally {
      await rm(top, { recursive: true, force: true });
    }
  });
});
