/**
 * Realtime benchmark (PRODUCT.md §5). Each server runs in a child process of its own (so its RSS is its own and the
 * clients, here in the parent, do not share its event loop):
 *
 *  (a) fan-out: 200 clients in one document; 20 replies a second for 10 s, each posted over HTTP. Latency is from the
 *      POST's start to the moment the LAST of the 200 clients has the event; every event must reach every client.
 *  (b) memory: RSS growth of the server process for 1,000 idle clients that connected and joined the document.
 *
 * Baseline, measured in the same run on the same machine: a bare Socket.io server (the same socket.io version as the
 * API) that takes the same request body on an HTTP POST and rebroadcasts it to a room, with no auth, database or
 * per-recipient filtering. Only 127.0.0.1 is used; every loop is bounded in count and time.
 *
 * The Scholia server is the real app from apps/api/src (loadConfig, createApp) on a fresh database: a new one on
 * DATABASE_URL's server when that is set, else an embedded PostgreSQL in a temporary folder.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';

type BenchRow = { benchmark: string; metric: string; scholia: string; baseline: string; target: string; pass: boolean };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const HOST = '127.0.0.1';

const CLIENTS = 200;
const RATE_PER_S = 20;
const DURATION_S = 10;
const WARMUP_POSTS = 20;
const IDLE_CLIENTS = 1_000;
/** Threads the replies are spread over, as in a class discussing several passages at once. */
const THREADS = 20;
/** Distinct reader accounts the clients are spread over. */
const READER_ACCOUNTS = 10;
/**
 * Rounds of (a). Each round measures both servers back to back (which one first alternates), so that the two share
 * whatever else the machine is doing then; the verdict is the median of the rounds' own Scholia/bare p99 ratios.
 */
const ROUNDS = Number(process.env.RT_BENCH_ROUNDS ?? 3);
/** For profiling: `fanout`, `memory` or both (the default). */
const PARTS = (process.env.RT_BENCH_PARTS ?? 'fanout,memory').split(',');
const DRAIN_TIMEOUT_MS = 15_000;
/** Fresh processes tried per server for (b) before its reading counts as failed. */
const MEMORY_ATTEMPTS = 3;
const CONNECT_TIMEOUT_MS = 60_000;

const QUOTE = 'the power of the working class';

// ---------------------------------------------------------------------------------------------------------------
// Child processes: the servers under test.
// ---------------------------------------------------------------------------------------------------------------

type ToChild = { type: 'rss'; snapshot?: string } | { type: 'stop' };
type FromChild =
  | { type: 'ready'; url: string }
  | { type: 'rss'; rss: number; heap: number; detail: string }
  | { type: 'error'; message: string };

const role = process.env.SCHOLIA_RT_BENCH_ROLE;
if (role === 'scholia' || role === 'bare') {
  try {
    await (role === 'scholia' ? scholiaChild() : bareChild());
  } catch (error) {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies FromChild);
    process.exit(1);
  }
}

function answerParent(stop: () => Promise<void>): void {
  process.on('message', (m: ToChild) => {
    if (m.type === 'rss') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      if (m.snapshot) writeHeapSnapshot(m.snapshot);
      const mem = process.memoryUsage();
      const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
      const detail = `rss ${mb(mem.rss)}, heapTotal ${mb(mem.heapTotal)}, heapUsed ${mb(mem.heapUsed)}, external ${mb(mem.external)}, arrayBuffers ${mb(mem.arrayBuffers)}`;
      process.send?.({ type: 'rss', rss: mem.rss, heap: mem.heapUsed, detail } satisfies FromChild);
    } else if (m.type === 'stop') {
      void stop().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
}

async function scholiaChild(): Promise<void> {
  const { loadConfig } = await import('../apps/api/src/config/app-config.js');
  const { createApp } = await import('../apps/api/src/bootstrap.js');
  const { createLogger } = await import('../apps/api/src/common/logger.js');
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST,
    PORT: String(port),
    ORIGIN: url,
    DATABASE_URL: process.env.DATABASE_URL,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    // The bench posts far faster than a person; the limits are not what is measured.
    POST_BURST: '1000000',
    POST_PER_MINUTE: '1000000',
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
  });
  const app = await createApp(config, createLogger('warn'), { web: false });
  await app.listen(port, HOST);
  answerParent(() => app.close());
  process.send?.({ type: 'ready', url } satisfies FromChild);
}

async function bareChild(): Promise<void> {
  // The API's own socket.io (apps/api depends on it; the workspace root does not).
  const require = createRequire(path.join(ROOT, 'apps/api/package.json'));
  const { Server } = (await import(
    pathToFileURL(require.resolve('socket.io')).href
  )) as typeof import('../apps/api/node_modules/socket.io/dist/index.js');
  const http = await import('node:http');
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const seqs = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const m = /^\/api\/annotations\/([^/]+)\/replies$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string; documentId: string };
      const seq = (seqs.get(body.documentId) ?? 0) + 1;
      seqs.set(body.documentId, seq);
      const now = new Date().toISOString();
      // Shaped like Scholia's reply.created payload, so the messages are about the same size.
      const payload = {
        id: randomUUID(),
        annotationId: m[1],
        parentId: null,
        text: body.text,
        html: `<p>${body.text}</p>`,
        move: 'comment',
        citations: [],
        author: { id: randomUUID(), handle: 'poster', displayName: 'Bench poster' },
        deleted: false,
        moderation: { hidden: false, reason: null, pending: false },
        votes: 0,
        voted: false,
        created: now,
        updated: now,
      };
      io.to(`doc:${body.documentId}`).emit('doc:event', {
        documentId: body.documentId,
        seq,
        type: 'reply.created',
        payload,
      });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  const io = new Server(server, { path: '/socket.io', serveClient: false });
  io.on('connection', (socket) => {
    socket.on('doc:join', (p: { documentId: string }, ack: (r: object) => void) => {
      void socket.join(`doc:${p.documentId}`);
      ack({ ok: true, seq: seqs.get(p.documentId) ?? 0 });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  answerParent(async () => {
    await io.close();
  });
  process.send?.({ type: 'ready', url } satisfies FromChild);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.listen(0, HOST, () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
    s.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The parent: starts the servers, drives the clients, measures.
// ---------------------------------------------------------------------------------------------------------------

/**
 * tsx (esbuild) does not emit decorator metadata, which Nest's dependency injection needs; the Scholia child loads
 * apps/api/src through TypeScript's own transpiler (as `tsc` would build it) and everything else through tsx.
 */
function decoratorLoader(): string {
  const ts = pathToFileURL(path.join(ROOT, 'node_modules/typescript/lib/typescript.js')).href;
  const api = pathToFileURL(path.join(ROOT, 'apps/api/src/')).href;
  const hooks = `
    import ts from ${JSON.stringify(ts)};
    import { readFile } from 'node:fs/promises';
    import { fileURLToPath } from 'node:url';
    const API = ${JSON.stringify(api)};
    export async function load(url, context, next) {
      if (!url.startsWith(API) || !url.endsWith('.ts')) return next(url, context);
      const source = await readFile(new URL(url), 'utf8');
      const out = ts.transpileModule(source, {
        fileName: fileURLToPath(url),
        compilerOptions: {
          module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, experimentalDecorators: true,
          emitDecoratorMetadata: true, inlineSourceMap: true, isolatedModules: true, esModuleInterop: true,
        },
      });
      return { format: 'module', source: out.outputText, shortCircuit: true };
    }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

interface ServerProcess {
  name: string;
  url: string;
  /** The process's RSS and heap after a full GC; with `snapshot`, a heap snapshot is written there too. */
  rss(snapshot?: string): Promise<{ rss: number; heap: number }>;
  stop(): Promise<void>;
}

async function spawnServer(kind: 'scholia' | 'bare', env: Record<string, string> = {}): Promise<ServerProcess> {
  const execArgv = [
    '--import',
    'tsx',
    '--expose-gc',
    ...(kind === 'scholia' ? ['--import', decoratorLoader(), '--conditions=@scholia/source'] : []),
    // RT_BENCH_PROFILE=<folder> writes a CPU profile of each server process there.
    ...(process.env.RT_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RT_BENCH_PROFILE}`] : []),
  ];
  const child: ChildProcess = fork(SELF, [], {
    cwd: ROOT,
    execArgv,
    env: { ...process.env, ...env, SCHOLIA_RT_BENCH_ROLE: kind },
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before it was ready`)));
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.url);
      } else if (m.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${kind} server failed: ${m.message}`));
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    name: kind,
    url,
    rss: (snapshot) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no rss answer')), 120_000);
        const on = (m: FromChild): void => {
          if (m.type !== 'rss') return;
          clearTimeout(timer);
          child.off('message', on);
          if (process.env.RT_BENCH_VERBOSE) process.stderr.write(`    ${kind}: ${m.detail}\n`);
          resolve({ rss: m.rss, heap: m.heap });
        };
        child.on('message', on);
        child.send({ type: 'rss', ...(snapshot ? { snapshot } : {}) } satisfies ToChild);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' } satisfies ToChild);
      }),
  };
}

/** A fresh, migrated database; `drop` removes it (and the embedded server, when one was started). */
async function benchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const { applyMigrations } = await import('../apps/api/src/database/migrator.js');
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  if (!serverUrl) {
    const { startEmbeddedPostgres } = await import('../apps/api/src/database/embedded-postgres.js');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'scholia-bench-pg-'));
    // As root the server runs as the `postgres` user, who must be able to reach the folder.
    await chmod(tmp, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'data') });
    serverUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const name = `scholia_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString(), path.join(ROOT, 'prisma/migrations'));
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopEmbedded?.();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** What the clients and the poster need to talk to one server. */
interface Target {
  server: ServerProcess;
  documentId: string;
  annotationIds: string[];
  posterCookie: string;
  readerCookies: string[];
}

async function http(
  url: string,
  pathname: string,
  init: { method?: string; cookie?: string; body?: unknown } = {},
): Promise<Response> {
  const res = await fetch(url + pathname, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      origin: url,
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(30_000),
  });
  return res;
}

async function expectOk<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

function cookieOf(res: Response): string {
  const pair = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('scholia_session='));
  if (!pair) throw new Error('no session cookie');
  return pair;
}

let userCounter = 0;
async function register(url: string, name: string): Promise<string> {
  userCounter += 1;
  const id = `${Date.now().toString(36)}${userCounter}${Math.random().toString(36).slice(2, 6)}`;
  const res = await http(url, '/api/auth/register', {
    body: {
      email: `${name.toLowerCase()}.${id}@example.org`,
      password: `Tin-mines-${id}-1952`,
      displayName: `${name} ${id}`,
    },
  });
  await expectOk(res, 'register');
  return cookieOf(res);
}

/** A group with a poster (the owner) and reader accounts, the essay imported and THREADS annotations to reply to. */
async function seedScholia(server: ServerProcess): Promise<Target> {
  const { readFileSync } = await import('node:fs');
  const essay = readFileSync(path.join(ROOT, 'prisma/demo/article-bolivian-revolution.txt'), 'utf8');
  const url = server.url;
  const posterCookie = await register(url, 'Poster');
  const group = await expectOk<{ slug: string }>(
    await http(url, '/api/groups', { cookie: posterCookie, body: { name: 'Realtime bench' } }),
    'group',
  );
  const invite = await expectOk<{ code: string }>(
    await http(url, `/api/groups/${group.slug}/invites`, { cookie: posterCookie, body: { role: 'student' } }),
    'invite',
  );
  const readerCookies: string[] = [];
  for (let i = 0; i < READER_ACCOUNTS; i++) {
    const cookie = await register(url, 'Reader');
    await expectOk(await http(url, '/api/groups/join', { cookie, body: { code: invite.code } }), 'join');
    readerCookies.push(cookie);
  }
  const doc = await expectOk<{ id: string; text: string }>(
    await http(url, `/api/groups/${group.slug}/documents`, {
      cookie: posterCookie,
      body: { title: 'The Bolivian Revolution of 1952', format: 'text', content: essay },
    }),
    'import',
  );
  const at = doc.text.indexOf(QUOTE);
  const start = [...doc.text.slice(0, at)].length;
  const annotationIds: string[] = [];
  for (let i = 0; i < THREADS; i++) {
    const annotation = await expectOk<{ id: string }>(
      await http(url, `/api/documents/${doc.id}/annotations`, {
        cookie: posterCookie,
        body: {
          target: {
            selector: [
              { type: 'TextPositionSelector', start, end: start + QUOTE.length },
              { type: 'TextQuoteSelector', exact: QUOTE },
            ],
          },
          text: `Bench thread ${i}`,
        },
      }),
      'annotation',
    );
    annotationIds.push(annotation.id);
  }
  return { server, documentId: doc.id, annotationIds, posterCookie, readerCookies };
}

function bareTarget(server: ServerProcess): Target {
  return {
    server,
    documentId: randomUUID(),
    annotationIds: Array.from({ length: THREADS }, () => randomUUID()),
    posterCookie: '',
    readerCookies: [''],
  };
}

type IoClient = import('socket.io-client').Socket;

/** Connects `n` clients and joins them to the document, `batch` at a time. */
async function connectClients(
  target: Target,
  n: number,
  onEvent: (client: number, e: { seq: number; payload: { text?: string } }) => void,
  batch = 50,
): Promise<IoClient[]> {
  const { io } = await import('socket.io-client');
  const sockets: IoClient[] = [];
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (let from = 0; from < n; from += batch) {
    if (Date.now() > deadline) throw new Error(`connecting ${n} clients took over ${CONNECT_TIMEOUT_MS} ms`);
    await Promise.all(
      Array.from({ length: Math.min(batch, n - from) }, async (_, k) => {
        const i = from + k;
        const cookie = target.readerCookies[i % target.readerCookies.length]!;
        const socket = io(target.server.url, {
          path: '/socket.io',
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          timeout: CONNECT_TIMEOUT_MS,
          extraHeaders: { origin: target.server.url, ...(cookie ? { cookie } : {}) },
        });
        sockets.push(socket);
        socket.on('doc:event', (e: { seq: number; payload: { text?: string } }) => onEvent(i, e));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const ack = (await socket.timeout(20_000).emitWithAck('doc:join', { documentId: target.documentId })) as {
          ok: boolean;
        };
        if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
      }),
    );
  }
  return sockets;
}

function closeAll(sockets: IoClient[]): void {
  for (const s of sockets) {
    s.removeAllListeners();
    s.disconnect();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface FanOut {
  p50: number;
  p99: number;
  max: number;
  /** Where the time goes: the POST's own response, the first client's receipt, the spread to the last client. */
  breakdown: string;
  /** From the first client's receipt of an event to the last one's: the fan-out itself. */
  spreadP50: number;
  spreadP99: number;
  /** The POST's own response time. */
  responseP50: number;
  responseP99: number;
  delivered: number;
  expected: number;
  outOfOrder: number;
  duplicates: number;
  failedPosts: number;
}

/** (a): posts at RATE_PER_S for DURATION_S and times each event to its last receipt. */
async function fanOut(target: Target, runId: string): Promise<FanOut> {
  const posts = RATE_PER_S * DURATION_S;
  const total = WARMUP_POSTS + posts;
  const started = new Float64Array(total);
  const lastReceipt = new Float64Array(total);
  const firstReceipt = new Float64Array(total);
  const answered = new Float64Array(total);
  const receipts = new Int32Array(total);
  const lastSeq = new Int32Array(CLIENTS).fill(-1);
  const seen = new Uint8Array(CLIENTS * total);
  let outOfOrder = 0;
  let duplicates = 0;
  const marker = new RegExp(`^rt ${runId} #(\\d+)$`);
  let waiting: (() => void) | undefined;
  let complete = 0;
  const sockets = await connectClients(target, CLIENTS, (client, e) => {
    const m = marker.exec(e.payload.text ?? '');
    if (!m) return;
    const i = Number(m[1]);
    if (e.seq <= lastSeq[client]!) outOfOrder += 1;
    lastSeq[client] = e.seq;
    if (seen[client * total + i]) {
      duplicates += 1;
      return;
    }
    seen[client * total + i] = 1;
    receipts[i]! += 1;
    lastReceipt[i] = performance.now();
    if (receipts[i] === 1) firstReceipt[i] = lastReceipt[i]!;
    if (receipts[i] === CLIENTS && ++complete === total) waiting?.();
  });
  try {
    // Let the join-time presence traffic settle.
    await sleep(1_500);
    let failedPosts = 0;
    const post = async (i: number): Promise<void> => {
      started[i] = performance.now();
      const res = await http(target.server.url, `/api/annotations/${target.annotationIds[i % THREADS]}/replies`, {
        cookie: target.posterCookie,
        body: { text: `rt ${runId} #${i}`, ...(target.posterCookie ? {} : { documentId: target.documentId }) },
      }).catch(() => undefined);
      answered[i] = performance.now();
      if (!res || res.status !== 201) failedPosts += 1;
      await res?.arrayBuffer();
    };
    const inFlight: Promise<void>[] = [];
    const t0 = performance.now();
    // Open loop: each POST starts on schedule, whether or not the previous ones have finished.
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(post(i));
    }
    await Promise.all(inFlight);
    if (complete < total) {
      await Promise.race([new Promise<void>((resolve) => (waiting = resolve)), sleep(DRAIN_TIMEOUT_MS)]);
    }
    const latencies: number[] = [];
    const response: number[] = [];
    const first: number[] = [];
    const spread: number[] = [];
    let delivered = 0;
    for (let i = WARMUP_POSTS; i < total; i++) {
      delivered += receipts[i]!;
      response.push(answered[i]! - started[i]!);
      if (receipts[i] === CLIENTS) {
        latencies.push(lastReceipt[i]! - started[i]!);
        first.push(firstReceipt[i]! - started[i]!);
        spread.push(lastReceipt[i]! - firstReceipt[i]!);
      }
    }
    return {
      p50: percentile(latencies, 50),
      p99: latencies.length === posts ? percentile(latencies, 99) : Number.POSITIVE_INFINITY,
      max: Math.max(...latencies),
      spreadP50: percentile(spread, 50),
      spreadP99: percentile(spread, 99),
      responseP50: percentile(response, 50),
      responseP99: percentile(response, 99),
      breakdown:
        `HTTP response p50 ${fmtMs(percentile(response, 50))} / p99 ${fmtMs(percentile(response, 99))}; ` +
        `first client p50 ${fmtMs(percentile(first, 50))} / p99 ${fmtMs(percentile(first, 99))}; ` +
        `first → last client p50 ${fmtMs(percentile(spread, 50))} / p99 ${fmtMs(percentile(spread, 99))}`,
      delivered,
      expected: posts * CLIENTS,
      outOfOrder,
      duplicates,
      failedPosts,
    };
  } finally {
    closeAll(sockets);
  }
}

/** (b): RSS growth of a fresh server process for IDLE_CLIENTS connected, joined clients. */
async function idleMemory(target: Target): Promise<{ rss: number; heap: number }> {
  // Warm up code paths and pools first, so the difference is the connections' own.
  const warm = await connectClients(target, 100, () => undefined);
  await sleep(500);
  closeAll(warm);
  await sleep(1_500);
  // RT_BENCH_HEAPSNAPSHOT=<folder>: heap snapshots of each server before and after, to see what a connection holds.
  const snapshots = process.env.RT_BENCH_HEAPSNAPSHOT;
  const snapshot = (when: string): string | undefined =>
    snapshots && path.join(snapshots, `${target.server.name}-${when}.heapsnapshot`);
  // RSS keeps moving for a while after start and after a burst (V8 and the allocator hand pages back lazily, and
  // the Scholia child's loader thread settles too): read it every second, after a full GC, until three readings in a
  // row agree within 1 MB (at most 30), and take their median.
  const settled = async (): Promise<{ rss: number; heap: number }> => {
    const readings: { rss: number; heap: number }[] = [];
    for (let i = 0; i < 30; i++) {
      if (i > 0) await sleep(1_000);
      readings.push(await target.server.rss());
      const last = readings.slice(-3).map((r) => r.rss);
      if (last.length === 3 && Math.max(...last) - Math.min(...last) < 1024 * 1024) break;
    }
    return readings.slice(-3).sort((x, y) => x.rss - y.rss)[Math.min(1, readings.length - 1)]!;
  };
  if (snapshots) await target.server.rss(snapshot('before'));
  const before = await settled();
  const connecting = performance.now();
  const sockets = await connectClients(target, IDLE_CLIENTS, () => undefined, 100);
  process.stderr.write(
    `  ${target.server.name}: ${IDLE_CLIENTS} clients connected and joined in ${fmtMs(performance.now() - connecting)}\n`,
  );
  try {
    await sleep(2_000);
    const after = await settled();
    if (snapshots) await target.server.rss(snapshot('after'));
    return { rss: after.rss - before.rss, heap: after.heap - before.heap };
  } finally {
    closeAll(sockets);
  }
}

const plausible = (m: { rss: number }): boolean => m.rss >= 1024 * 1024;

const fmtMs = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a');
const fmtMb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export default async function (): Promise<BenchRow[]> {
  const db = await benchDatabase();
  const servers: ServerProcess[] = [];
  const rows: BenchRow[] = [];
  try {
    const start = async (kind: 'scholia' | 'bare'): Promise<Target> => {
      const server = await spawnServer(kind, kind === 'scholia' ? { DATABASE_URL: db.url } : {});
      servers.push(server);
      return kind === 'scholia' ? seedScholia(server) : bareTarget(server);
    };
    const stopAll = async (): Promise<void> => {
      for (const s of servers.splice(0)) await s.stop();
    };
    const scholia = await start('scholia');

    if (PARTS.includes('fanout')) {
      // (a) fan-out latency, alternating rounds.
      const bare = await start('bare');
      const results: Record<'scholia' | 'bare', FanOut[]> = { scholia: [], bare: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = [
          ['bare', bare],
          ['scholia', scholia],
        ] as const;
        const load = os.loadavg()[0]!.toFixed(1);
        for (const [name, target] of round % 2 ? [...order].reverse() : order) {
          const r = await fanOut(target, `${round}${name}`);
          results[name].push(r);
          process.stderr.write(
            `  fan-out round ${round + 1} ${name} (load average ${load}): p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}, max ${fmtMs(r.max)}, delivered ${r.delivered}/${r.expected}, ` +
              `out of order ${r.outOfOrder}, duplicates ${r.duplicates}, failed posts ${r.failedPosts}\n    ${r.breakdown}\n`,
          );
        }
      }
      const best = (rs: FanOut[]): FanOut => rs.reduce((a, b) => (b.p99 < a.p99 ? b : a));
      const s = best(results.scholia);
      const b = best(results.bare);
      // Each round's ratio compares two measurements taken moments apart, under the same load.
      const ratios = results.scholia.map((r, i) => r.p99 / results.bare[i]!.p99);
      const medianRatio = median(ratios);
      const allDelivered = results.scholia.every(
        (r) => r.delivered === r.expected && r.duplicates === 0 && r.outOfOrder === 0 && r.failedPosts === 0,
      );
      const label = `fan-out: ${CLIENTS} clients, ${RATE_PER_S} replies/s for ${DURATION_S} s`;
      rows.push(
        {
          benchmark: label,
          metric: 'POST → last client, p50 (best round)',
          scholia: fmtMs(s.p50),
          baseline: fmtMs(b.p50),
          target: 'reported',
          pass: true,
        },
        {
          benchmark: label,
          metric: `POST → last client, p99, each round (${ROUNDS} rounds)`,
          scholia: results.scholia.map((r) => fmtMs(r.p99)).join(', '),
          baseline: results.bare.map((r) => fmtMs(r.p99)).join(', '),
          target:
            `≤ 2.5× baseline: median of the rounds' ratios ${medianRatio.toFixed(2)}× ` +
            `(${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')}); best p99s ${(s.p99 / b.p99).toFixed(2)}×`,
          pass: medianRatio <= 2.5,
        },
        {
          benchmark: label,
          metric: 'of which: the POST until its HTTP response (p50 / p99)',
          scholia: `${fmtMs(s.responseP50)} / ${fmtMs(s.responseP99)}`,
          baseline: `${fmtMs(b.responseP50)} / ${fmtMs(b.responseP99)}`,
          target: 'reported (the write path: auth, checks, transaction)',
          pass: true,
        },
        {
          benchmark: label,
          metric: 'of which: first → last client, the fan-out itself (p50 / p99)',
          scholia: `${fmtMs(s.spreadP50)} / ${fmtMs(s.spreadP99)}`,
          baseline: `${fmtMs(b.spreadP50)} / ${fmtMs(b.spreadP99)}`,
          target: `p99 ≤ 2.5× baseline; now ${(s.spreadP99 / b.spreadP99).toFixed(2)}×`,
          pass: s.spreadP99 <= 2.5 * b.spreadP99,
        },
        {
          benchmark: label,
          metric: 'events delivered (every round; in order, once)',
          scholia: results.scholia.map((r) => `${r.delivered}/${r.expected}`).join(', '),
          baseline: results.bare.map((r) => `${r.delivered}/${r.expected}`).join(', '),
          target: 'all, in order, no duplicates',
          pass: allDelivered,
        },
      );
    }
    await stopAll();

    if (PARTS.includes('memory')) {
      // (b) memory, each server in a fresh process.
      const memory: Record<'scholia' | 'bare', { rss: number; heap: number }> = {
        scholia: { rss: 0, heap: 0 },
        bare: { rss: 0, heap: 0 },
      };
      for (const name of ['bare', 'scholia'] as const) {
        // A thousand connections cannot cost under a megabyte: a smaller (or negative) growth means the process handed
        // pages back mid-measurement, so that reading is thrown away and the server measured again, in a new process.
        for (let attempt = 1; attempt <= MEMORY_ATTEMPTS; attempt++) {
          let target: Target;
          if (name === 'scholia') {
            const server = await spawnServer('scholia', { DATABASE_URL: db.url });
            servers.push(server);
            target = { ...scholia, server };
          } else {
            target = await start('bare');
          }
          memory[name] = await idleMemory(target);
          process.stderr.write(
            `  memory ${name}: RSS +${fmtMb(memory[name].rss)}, heap +${fmtMb(memory[name].heap)} for ${IDLE_CLIENTS} clients\n`,
          );
          await stopAll();
          if (plausible(memory[name])) break;
        }
      }
      const valid = plausible(memory.scholia) && plausible(memory.bare);
      const ratio = memory.scholia.rss / memory.bare.rss;
      rows.push({
        benchmark: `memory: ${IDLE_CLIENTS.toLocaleString('en')} idle clients joined to a document`,
        metric: 'server RSS growth (heap growth)',
        scholia: `${fmtMb(memory.scholia.rss)} (${fmtMb(memory.scholia.heap)})`,
        baseline: `${fmtMb(memory.bare.rss)} (${fmtMb(memory.bare.heap)})`,
        target: valid
          ? `≤ 1.5× baseline RSS; now ${ratio.toFixed(2)}× (heap used ${(memory.scholia.heap / memory.bare.heap).toFixed(2)}×)`
          : `≤ 1.5× baseline RSS; no plausible reading in ${MEMORY_ATTEMPTS} attempts`,
        pass: valid && ratio <= 1.5,
      });
    }
    return rows;
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await db.drop();
  }
}
