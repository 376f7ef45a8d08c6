import type { AnnotationDto, ReplyDto } from '@scholia/shared';
import { describe, expect, it, vi } from 'vitest';
import { AuthService } from '../../apps/api/src/auth/auth.service.js';
import { newUser } from '../support/app.js';
import { selectorsFor } from '../support/fixtures.js';
import { api, type ApiServer, cookieFrom, cookieOf, sleep, type Seminar, useLiveSeminar } from './helpers.js';

let server: ApiServer;
let s: Seminar;
const clients = useLiveSeminar((started, seeded) => ((server = started), (s = seeded)));

const QUOTE = 'the power of the working class';

async function annotate(member: { agent: typeof s.alice.agent }, body: object = {}): Promise<AnnotationDto> {
  const res = await member.agent
    .post(`/api/documents/${s.documentId}/annotations`)
    .send({ target: selectorsFor(s.text, QUOTE), text: 'A note', ...body })
    .expect(201);
  return res.body as AnnotationDto;
}

describe('handshake', () => {
  it('refuses a connection without a session cookie', async () => {
    const c = clients.open(server.url, undefined);
    expect(await c.refused()).toBe('unauthenticated');
  });

  it('refuses a session cookie that is not a live session', async () => {
    const c = clients.open(server.url, 'scholia_session=abcdefghijklmnopqrstuvwxyz234567');
    expect(await c.refused()).toBe('unauthenticated');
  });

  it('refuses a foreign Origin even with a valid cookie', async () => {
    const c = clients.open(server.url, cookieOf(s.alice.agent), { origin: 'https://evil.example' });
    expect(await c.refused()).toBe('forbidden origin');
  });

  it('lets a member connect and refuses an outsider (and malformed joins) at doc:join', async () => {
    const member = clients.open(server.url, cookieOf(s.alice.agent));
    await member.connected();
    const outsider = clients.open(server.url, cookieOf(s.outsider.agent));
    await outsider.connected();
    expect(await outsider.join(s.documentId)).toEqual({ ok: false, error: 'not-found' });
    expect(await outsider.join('not-a-uuid')).toEqual({ ok: false, error: 'bad-request' });
    expect(await outsider.join('00000000-0000-4000-8000-000000000000')).toEqual({ ok: false, error: 'not-found' });
    // The outsider receives nothing of the document.
    await annotate(s.alice);
    await sleep(200);
    await outsider.ping();
    expect(outsider.events).toEqual([]);
  });
});

describe('live events', () => {
  it('delivers annotation.created to another reader with the payload and the next seq, and reply.created back', async () => {
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const seq = await alice.joinOk(s.documentId);
    expect(await bob.joinOk(s.documentId)).toBe(seq);

    const created = await annotate(s.alice, { text: 'Who held *power* here?', tags: ['class'] });
    const e = await bob.nextEvent((x) => x.type === 'annotation.created', 'annotation.created at bob');
    expect(e).toEqual({ documentId: s.documentId, seq: seq + 1, type: 'annotation.created', payload: created });
    expect(e).not.toHaveProperty('audience');
    const a = e.payload as AnnotationDto;
    expect(a).toMatchObject({
      id: created.id,
      text: 'Who held *power* here?',
      tags: ['class'],
      author: { id: s.alice.id },
      visibility: 'group',
    });

    const reply = (
      await s.bob.agent
        .post(`/api/annotations/${created.id}/replies`)
        .send({ text: 'The miners, briefly.' })
        .expect(201)
    ).body as ReplyDto;
    const r = await alice.nextEvent((x) => x.type === 'reply.created', 'reply.created at alice');
    expect(r).toEqual({ documentId: s.documentId, seq: seq + 2, type: 'reply.created', payload: reply });
    expect(r.payload).toMatchObject({
      annotationId: created.id,
      text: 'The miners, briefly.',
      author: { id: s.bob.id },
    });
    // The author gets their own events too, once each.
    await bob.nextEvent((x) => x.seq === seq + 2, 'reply.created at bob');
    expect(alice.events.map((x) => x.seq)).toEqual([seq + 1, seq + 2]);
    expect(bob.events.map((x) => x.seq)).toEqual([seq + 1, seq + 2]);
  });

  it('never delivers a private annotation (or replies to it) to anyone but its author', async () => {
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const owner = clients.open(server.url, cookieOf(s.owner.agent));
    const seq = await alice.joinOk(s.documentId);
    await bob.joinOk(s.documentId);
    await owner.joinOk(s.documentId);

    const secret = await annotate(s.alice, { text: 'my own note', visibility: 'private' });
    await s.alice.agent.post(`/api/annotations/${secret.id}/replies`).send({ text: 'note to self' }).expect(201);
    await s.alice.agent
      .patch(`/api/annotations/${secret.id}`)
      .send({ version: secret.version, text: 'edited note' })
      .expect(200);
    const open = await annotate(s.alice, { text: 'for everyone' });

    // Alice sees all four, in order.
    await alice.until(() => alice.events.length >= 4 || undefined, 'four events at alice');
    expect(alice.events.map((e) => [e.seq, e.type])).toEqual([
      [seq + 1, 'annotation.created'],
      [seq + 2, 'reply.created'],
      [seq + 3, 'annotation.updated'],
      [seq + 4, 'annotation.created'],
    ]);
    expect((alice.events[0]!.payload as AnnotationDto).id).toBe(secret.id);

    // Bob's (and the instructor's) next event is the public one; the private id never reached them.
    for (const other of [bob, owner]) {
      const next = await other.nextEvent(() => true, 'the next event');
      expect(next).toMatchObject({ seq: seq + 4, type: 'annotation.created', payload: { id: open.id } });
      await other.ping();
      expect(other.events).toHaveLength(1);
      expect(JSON.stringify(other.events)).not.toContain(secret.id);
    }
  });

  it('lists both readers in presence and relays typing to others only', async () => {
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    await alice.joinOk(s.documentId);
    await bob.joinOk(s.documentId);
    const both = (c: typeof alice) => {
      const ids = c.presence.map((p) => p.userId).sort();
      return ids.length === 2 && ids.join() === [s.alice.id, s.bob.id].sort().join() ? c.presence : undefined;
    };
    const seenByAlice = await alice.until(() => both(alice), 'presence with alice and bob at alice');
    await bob.until(() => both(bob), 'presence with alice and bob at bob');
    expect(seenByAlice).toContainEqual({ userId: s.alice.id, displayName: s.alice.displayName });
    expect(seenByAlice).toContainEqual({ userId: s.bob.id, displayName: s.bob.displayName });

    alice.socket.emit('doc:typing', { documentId: s.documentId, annotationId: null });
    const typing = await bob.until(() => bob.typing[0], 'typing at bob');
    expect(typing).toEqual({
      documentId: s.documentId,
      userId: s.alice.id,
      displayName: s.alice.displayName,
      annotationId: null,
    });
    await alice.ping();
    await sleep(100);
    expect(alice.typing).toEqual([]);

    // Bob leaves: presence shrinks to alice, and typing no longer reaches him.
    bob.socket.emit('doc:leave', { documentId: s.documentId });
    await alice.until(
      () => (alice.presence.length === 1 && alice.presence[0]!.userId === s.alice.id) || undefined,
      'presence without bob',
    );
    alice.socket.emit('doc:typing', { documentId: s.documentId, annotationId: null });
    await sleep(150);
    expect(bob.typing).toHaveLength(1);

    // A reader who disconnects drops out of presence.
    await bob.joinOk(s.documentId);
    await alice.until(() => both(alice), 'bob back in presence');
    bob.close();
    await alice.until(() => alice.presence.length === 1 || undefined, 'presence after bob disconnected');

    // A page that only watches the document (a debate board) gets its events but is not one of its readers.
    const watcher = clients.open(server.url, cookieOf(s.bob.agent));
    expect(await watcher.join(s.documentId, undefined, true)).toMatchObject({ ok: true });
    const presenceBefore = alice.presence;
    await annotate(s.alice, { text: 'watched' });
    await watcher.until(
      () => watcher.events.some((e) => e.type === 'annotation.created') || undefined,
      'event at the watcher',
    );
    expect(alice.presence).toBe(presenceBefore);
    expect(alice.presence.map((p) => p.userId)).toEqual([s.alice.id]);
    watcher.socket.emit('doc:typing', { documentId: s.documentId, annotationId: null });
    await alice.ping();
    await sleep(150);
    expect(alice.typing).toEqual([]);
  });

  it("tells a member's sockets when their role in a group changes, and nobody else's", async () => {
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    await Promise.all([bob.connected(), alice.connected()]);
    const group = (await s.owner.agent.get(`/api/groups/${s.slug}`).expect(200)).body as { id: string };
    await s.owner.agent.patch(`/api/groups/${s.slug}/members/${s.bob.id}`).send({ role: 'instructor' }).expect(200);
    await bob.until(() => bob.memberships[0], 'member:changed at bob');
    expect(bob.memberships).toEqual([{ groupId: group.id }]);
    await s.owner.agent.patch(`/api/groups/${s.slug}/members/${s.bob.id}`).send({ role: 'student' }).expect(200);
    await bob.until(() => bob.memberships[1], 'the second member:changed at bob');
    await alice.ping();
    expect(alice.memberships).toEqual([]);
  });

  it('ignores typing for a document the socket has not joined', async () => {
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    await bob.joinOk(s.documentId);
    await alice.connected();
    alice.socket.emit('doc:typing', { documentId: s.documentId, annotationId: null });
    await alice.ping();
    await sleep(150);
    expect(bob.typing).toEqual([]);
  });
});

describe('sessions', () => {
  it('revoking one session disconnects its sockets while another session of the same user stays connected', async () => {
    const user = newUser('Carol');
    const first = cookieFrom(await api(server.url, '/api/auth/register', { body: user }));
    const second = cookieFrom(
      await api(server.url, '/api/auth/login', { body: { email: user.email, password: user.password } }),
    );
    const a = clients.open(server.url, first);
    const b1 = clients.open(server.url, second);
    const b2 = clients.open(server.url, second);
    await Promise.all([a.connected(), b1.connected(), b2.connected()]);

    const list = (await (await api(server.url, '/api/me/sessions', { cookie: first })).json()) as {
      items: { id: string; current: boolean }[];
    };
    const other = list.items.find((i) => !i.current);
    expect(other).toBeDefined();
    const gone = Promise.all([b1.disconnected(), b2.disconnected()]);
    const res = await api(server.url, `/api/me/sessions/${other!.id}`, { method: 'DELETE', cookie: first });
    expect(res.status).toBe(204);
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    await a.ping();
    expect(a.socket.connected).toBe(true);

    // The revoked cookie cannot connect again.
    expect(await clients.open(server.url, second).refused()).toBe('unauthenticated');
  });

  it('closes a socket whose session was revoked between the handshake reading it and the socket connecting', async () => {
    const cookie = cookieFrom(await api(server.url, '/api/auth/register', { body: newUser('Dana') }));
    const auth = server.app.get(AuthService);
    const authenticate = auth.authenticate.bind(auth);
    // The handshake reads the live session; the logout lands right after, before the socket has joined any room.
    const spy = vi.spyOn(auth, 'authenticate').mockImplementationOnce(async (token) => {
      const session = await authenticate(token);
      expect((await api(server.url, '/api/auth/logout', { method: 'POST', cookie })).status).toBe(204);
      return session;
    });
    try {
      const c = clients.open(server.url, cookie);
      const reason = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
      const outcome = await Promise.race([reason, sleep(5_000).then(() => 'still connected')]);
      expect(outcome).toBe('io server disconnect');
    } finally {
      spy.mockRestore();
    }
  });

  it("logging out disconnects that session's socket", async () => {
    const cookie = cookieOf(s.alice.agent);
    const alice = clients.open(server.url, cookie);
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    await alice.joinOk(s.documentId);
    await bob.joinOk(s.documentId);
    await bob.until(() => bob.presence.length === 2 || undefined, 'both present');
    const gone = alice.disconnected();
    const res = await api(server.url, '/api/auth/logout', { method: 'POST', cookie });
    expect(res.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    await bob.ping();
    expect(bob.socket.connected).toBe(true);
    await bob.until(() => bob.presence.length === 1 || undefined, 'alice gone from presence');
    expect(await clients.open(server.url, cookie).refused()).toBe('unauthenticated');
  });
});
