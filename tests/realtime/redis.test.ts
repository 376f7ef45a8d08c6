import { connect } from 'node:net';
import type { AnnotationDto } from '@scholia/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '../support/db.js';
import { seminar, selectorsFor, type Seminar } from '../support/fixtures.js';
import { api, type ApiServer, Clients, cookieOf, expectConsecutive, sleep, startApi } from './helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether something accepts TCP connections at the Redis URL's host and port, within a short timeout. */
async function reachable(url: string, ms = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const redisUp = await reachable(REDIS_URL);
const where = new URL(REDIS_URL).host;
if (!redisUp) process.stderr.write(`redis.test.ts skipped: no Redis at ${where}: the multi-instance test needs one\n`);

// Both instances serve one public origin, as behind a load balancer.
const ORIGIN = 'http://scholia.test';
const QUOTE = 'the power of the working class';

describe.skipIf(!redisUp)(
  redisUp ? `two instances sharing Redis at ${where}` : `no Redis at ${where}: the multi-instance test needs one`,
  () => {
    let a: ApiServer;
    let b: ApiServer;
    let s: Seminar;
    const clients = new Clients();

    beforeAll(async () => {
      const env = { REDIS_URL, ORIGIN, POST_BURST: '1000', POST_PER_MINUTE: '1000' };
      [a, b] = await Promise.all([startApi(env), startApi(env)]);
      expect(a.url).not.toBe(b.url);
      s = await seminar(a);
    });
    afterEach(() => clients.closeAll());
    afterAll(async () => {
      clients.closeAll();
      await Promise.all([a?.close(), b?.close()]);
      await closeDb();
    });

    const post = (instance: ApiServer, cookie: string, path: string, body: object): Promise<Response> =>
      api(instance.url, path, { cookie, body, origin: ORIGIN });

    it('delivers to a client on instance A an event caused by a POST to instance B, once', async () => {
      const onA = clients.open(a.url, cookieOf(s.bob.agent), { origin: ORIGIN });
      const onB = clients.open(b.url, cookieOf(s.owner.agent), { origin: ORIGIN });
      const seq = await onA.joinOk(s.documentId);
      await onB.joinOk(s.documentId);

      const res = await post(b, cookieOf(s.alice.agent), `/api/documents/${s.documentId}/annotations`, {
        target: selectorsFor(s.text, QUOTE),
        text: 'from B',
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as AnnotationDto;

      for (const c of [onA, onB]) {
        const e = await c.nextEvent(() => true, 'the annotation');
        expect(e).toEqual({ documentId: s.documentId, seq: seq + 1, type: 'annotation.created', payload: created });
      }
      await sleep(200);
      await onA.ping();
      expect(onA.events).toHaveLength(1);
      expect(onB.events).toHaveLength(1);
    });

    it('keeps a private annotation made on B away from other readers on A', async () => {
      const aliceOnA = clients.open(a.url, cookieOf(s.alice.agent), { origin: ORIGIN });
      const bobOnA = clients.open(a.url, cookieOf(s.bob.agent), { origin: ORIGIN });
      const seq = await aliceOnA.joinOk(s.documentId);
      await bobOnA.joinOk(s.documentId);
      const cookie = cookieOf(s.alice.agent);
      const secret = (await (
        await post(b, cookie, `/api/documents/${s.documentId}/annotations`, {
          target: selectorsFor(s.text, QUOTE),
          visibility: 'private',
        })
      ).json()) as AnnotationDto;
      const open = (await (
        await post(b, cookie, `/api/documents/${s.documentId}/annotations`, { target: selectorsFor(s.text, QUOTE) })
      ).json()) as AnnotationDto;
      await aliceOnA.until(() => aliceOnA.events.length >= 2 || undefined, 'both at alice');
      expect(aliceOnA.events.map((e) => [e.seq, (e.payload as AnnotationDto).id])).toEqual([
        [seq + 1, secret.id],
        [seq + 2, open.id],
      ]);
      const next = await bobOnA.nextEvent(() => true, 'the public one at bob');
      expect(next).toMatchObject({ seq: seq + 2, payload: { id: open.id } });
      expect(JSON.stringify(bobOnA.events)).not.toContain(secret.id);
    });

    it('orders events written in parallel on both instances, for readers on both', async () => {
      const onA = clients.open(a.url, cookieOf(s.bob.agent), { origin: ORIGIN });
      const onB = clients.open(b.url, cookieOf(s.bob.agent), { origin: ORIGIN });
      const seq = await onA.joinOk(s.documentId);
      await onB.joinOk(s.documentId);
      const writers = [cookieOf(s.alice.agent), cookieOf(s.owner.agent)];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(i % 2 ? a : b, writers[i % 2]!, `/api/documents/${s.documentId}/annotations`, {
            target: selectorsFor(s.text, QUOTE),
            text: `parallel ${i}`,
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      for (const c of [onA, onB]) {
        await c.until(() => c.events.length >= 20 || undefined, '20 events');
        await sleep(100);
        await c.ping();
        expectConsecutive(
          c.events.map((e) => e.seq),
          seq,
          20,
        );
      }
    });

    it('shares presence and typing across instances', async () => {
      const aliceOnA = clients.open(a.url, cookieOf(s.alice.agent), { origin: ORIGIN });
      const bobOnB = clients.open(b.url, cookieOf(s.bob.agent), { origin: ORIGIN });
      await aliceOnA.joinOk(s.documentId);
      await bobOnB.joinOk(s.documentId);
      const both = [s.alice.id, s.bob.id].sort().join();
      for (const c of [aliceOnA, bobOnB])
        await c.until(
          () =>
            c.presence
              .map((p) => p.userId)
              .sort()
              .join() === both || undefined,
          'presence of both',
        );
      aliceOnA.socket.emit('doc:typing', { documentId: s.documentId, annotationId: null });
      expect(await bobOnB.until(() => bobOnB.typing[0], 'typing on B')).toMatchObject({ userId: s.alice.id });
    });

    it('keeps a deployment with another REDIS_PREFIX on the same Redis out of it', async () => {
      const other = await startApi({ REDIS_URL, REDIS_PREFIX: 'other-deployment', ORIGIN });
      try {
        const onA = clients.open(a.url, cookieOf(s.bob.agent), { origin: ORIGIN });
        const onOther = clients.open(other.url, cookieOf(s.bob.agent), { origin: ORIGIN });
        await onA.joinOk(s.documentId);
        await onOther.joinOk(s.documentId);
        const res = await post(b, cookieOf(s.alice.agent), `/api/documents/${s.documentId}/annotations`, {
          target: selectorsFor(s.text, QUOTE),
          text: 'for this deployment only',
        });
        expect(res.status).toBe(201);
        await onA.nextEvent(() => true, 'the annotation on A');
        await sleep(400);
        await onOther.ping();
        expect(onOther.events).toEqual([]);
      } finally {
        clients.closeAll();
        await other.close();
      }
    });

    it('disconnects sockets on A when their session is ended on B', async () => {
      const login = await api(b.url, '/api/auth/register', {
        origin: ORIGIN,
        body: {
          email: `dana.${Date.now()}@example.org`,
          password: `Tin-mines-${Date.now()}-1952`,
          displayName: 'Dana',
        },
      });
      expect(login.status).toBe(201);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .find((c) => c.startsWith('scholia_session='))!;
      const onA = clients.open(a.url, cookie, { origin: ORIGIN });
      const onB = clients.open(b.url, cookie, { origin: ORIGIN });
      await Promise.all([onA.connected(), onB.connected()]);
      const gone = Promise.all([onA.disconnected(), onB.disconnected()]);
      expect((await api(b.url, '/api/auth/logout', { method: 'POST', cookie, origin: ORIGIN })).status).toBe(204);
      expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    });
  },
);
