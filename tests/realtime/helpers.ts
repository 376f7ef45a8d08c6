import type { ClientToServerEvents, DocumentEventEnvelope, ServerToClientEvents } from '@scholia/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { closeDb } from '../support/db.js';
import { type Seminar, seminar } from '../support/fixtures.js';

export type { Seminar } from '../support/fixtures.js';
import { type RunningServer, startServer } from '../support/server.js';

export { cookieOf } from '../support/fixtures.js';

export type ApiServer = RunningServer;

/** The API with its Socket.io gateway but without the SvelteKit pages: these tests must not wait on a web build. */
export const startApi = (env: Record<string, string> = {}): Promise<ApiServer> => startServer(env, { web: false });

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long any single wait in these tests may take before it fails. */
export const WAIT_MS = 5_000;

/** The session cookie from a response's Set-Cookie headers. */
export function cookieFrom(res: Response): string {
  const pair = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('scholia_session=') && c.length > 'scholia_session='.length);
  if (!pair) throw new Error(`no session cookie in the response (${res.status})`);
  return pair;
}

/** An HTTP request as a browser on our origin would send it. */
export async function api(
  url: string,
  path: string,
  init: { method?: string; cookie?: string; body?: unknown; origin?: string } = {},
): Promise<Response> {
  return fetch(url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      origin: init.origin ?? url,
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(WAIT_MS * 2),
  });
}

/** A socket that records everything the server sends it, with waits bounded by WAIT_MS. */
export class Client {
  readonly socket: ClientSocket;
  readonly events: DocumentEventEnvelope[] = [];
  readonly reloads: { documentId: string; seq: number }[] = [];
  readonly typing: { userId: string; annotationId: string | null }[] = [];
  presence: { userId: string; displayName: string }[] = [];
  readonly memberships: { groupId: string }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(url: string, cookie: string | undefined, options: { origin?: string; autoConnect?: boolean } = {}) {
    this.socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: options.autoConnect ?? true,
      extraHeaders: { ...(cookie ? { cookie } : {}), origin: options.origin ?? url },
    });
    this.socket.on('doc:event', (e) => this.record(() => this.events.push(e)));
    this.socket.on('doc:reload', (e) => this.record(() => this.reloads.push(e)));
    this.socket.on('doc:typing', (e) => this.record(() => this.typing.push(e)));
    this.socket.on('doc:presence', (e) => this.record(() => (this.presence = e.readers)));
    this.socket.on('member:changed', (e) => this.record(() => this.memberships.push(e)));
    this.socket.on('disconnect', () => this.record(() => undefined));
  }

  private record(change: () => void): void {
    change();
    for (const w of this.waiters) w();
  }

  /** Resolves once `test` holds (checked now and after every message), or fails after `ms`. */
  until<T>(test: () => T | undefined | false, what: string, ms = WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = test();
        if (value === undefined || value === false) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  /** The first event after the first `after` recorded ones that matches. */
  nextEvent(match: (e: DocumentEventEnvelope) => boolean, what: string, after = 0): Promise<DocumentEventEnvelope> {
    return this.until(() => this.events.slice(after).find(match), what);
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out connecting')), WAIT_MS);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once('connect_error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** The handshake's refusal message. */
  refused(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for connect_error')), WAIT_MS);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        reject(new Error('the handshake was accepted'));
      });
      this.socket.once('connect_error', (e) => {
        clearTimeout(timer);
        resolve(e.message);
      });
    });
  }

  async join(
    documentId: string,
    lastSeq?: number,
    watch?: boolean,
  ): Promise<{ ok: true; seq: number } | { ok: false; error: string }> {
    return this.socket.timeout(WAIT_MS).emitWithAck('doc:join', {
      documentId,
      ...(lastSeq === undefined ? {} : { lastSeq }),
      ...(watch === undefined ? {} : { watch }),
    });
  }

  async joinOk(documentId: string, lastSeq?: number): Promise<number> {
    const res = await this.join(documentId, lastSeq);
    expect(res).toMatchObject({ ok: true });
    return (res as { seq: number }).seq;
  }

  /** Waits for the server to close this socket. */
  disconnected(ms = WAIT_MS): Promise<string> {
    if (!this.socket.connected) return Promise.resolve('already disconnected');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket still connected after ${ms} ms`)), ms);
      this.socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  /** A round trip: everything the server sent before answering has arrived. */
  async ping(): Promise<void> {
    await this.socket.timeout(WAIT_MS).emitWithAck('ping');
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}

/** Closes every client even when a test failed half-way. */
export class Clients {
  private readonly all: Client[] = [];
  open(url: string, cookie: string | undefined, options?: { origin?: string }): Client {
    const c = new Client(url, cookie, options);
    this.all.push(c);
    return c;
  }
  closeAll(): void {
    for (const c of this.all.splice(0)) c.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts that `seqs` run consecutively upwards from `from + 1`, each once. */
export function expectConsecutive(seqs: number[], from: number, count: number): void {
  expect(seqs).toEqual(Array.from({ length: count }, (_, i) => from + 1 + i));
}

/**
 * A test file's listening API with a seminar, and the sockets its tests open (closed after each test): set up before
 * the file's tests, torn down after them; `ready` receives the server and the seminar once they are up.
 */
export function useLiveSeminar(
  ready: (server: ApiServer, s: Seminar) => void,
  env: Record<string, string> = { POST_BURST: '1000', POST_PER_MINUTE: '1000' },
): Clients {
  const clients = new Clients();
  let server: ApiServer | undefined;
  beforeAll(async () => {
    server = await startApi(env);
    ready(server, await seminar(server));
  });
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    clients.closeAll();
    await server?.close();
    await closeDb();
  });
  return clients;
}
