import type {
  AnnotationDto,
  AnnotationList,
  ClientToServerEvents,
  NotificationDto,
  NotificationList,
  ReplyDto,
  ServerToClientEvents,
  VoteResult,
} from '@scholia/shared';
import { io, type Socket } from 'socket.io-client';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/server.js';
import { closeDb, count } from '../support/db.js';
import { cookieOf, type Member, seminar, selectorsFor, type Seminar } from '../support/fixtures.js';

let t: RunningServer;
let url: string;
let s: Seminar;
const sockets: Socket[] = [];

beforeAll(async () => {
  // The whole API on a loopback port (no pages), so that sockets can connect too.
  t = await startServer({ POST_BURST: '1000', POST_PER_MINUTE: '1000' }, { web: false });
  url = t.url;
  s = await seminar(t);
});
afterAll(async () => {
  for (const so of sockets) so.disconnect();
  await t?.close();
  await closeDb();
});

const QUOTE = 'the power of the working class';
const OTHER = 'Initially, the POR had a strong position within the COB';

async function annotate(m: Member, body: object = {}, quote = QUOTE): Promise<AnnotationDto> {
  return (
    await m.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, quote), text: 'A note', ...body })
      .expect(201)
  ).body as AnnotationDto;
}
const reply = async (m: Member, annotationId: string, body: object): Promise<ReplyDto> =>
  (await m.agent.post(`/api/annotations/${annotationId}/replies`).send(body).expect(201)).body as ReplyDto;
const vote = async (m: Member, path: string, status = 200): Promise<supertest.Response> =>
  m.agent.post(path).expect(status);
const notifications = async (m: Member, query = ''): Promise<NotificationList> =>
  (await m.agent.get(`/api/notifications${query}`).expect(200)).body as NotificationList;
const list = async (m: Member, query = ''): Promise<AnnotationList> =>
  (await m.agent.get(`/api/documents/${s.documentId}/annotations${query}`).expect(200)).body as AnnotationList;

describe('votes', () => {
  it('toggles one persuasive vote per member, counted in the annotation and reply DTOs', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.alice, a.id, { text: 'And a reply' });
    expect((await vote(s.bob, `/api/annotations/${a.id}/vote`)).body).toEqual({
      votes: 1,
      voted: true,
    } satisfies VoteResult);
    expect((await vote(s.owner, `/api/annotations/${a.id}/vote`)).body).toEqual({ votes: 2, voted: true });
    expect((await vote(s.bob, `/api/replies/${r.id}/vote`)).body).toEqual({ votes: 1, voted: true });
    const forBob = (await list(s.bob)).items.find((x) => x.id === a.id)!;
    expect(forBob).toMatchObject({ votes: 2, voted: true });
    expect(forBob.replies[0]).toMatchObject({ votes: 1, voted: true });
    expect((await list(s.alice)).items.find((x) => x.id === a.id)).toMatchObject({ votes: 2, voted: false });
    expect((await vote(s.bob, `/api/annotations/${a.id}/vote`)).body).toEqual({ votes: 1, voted: false });
    expect((await list(s.bob)).items.find((x) => x.id === a.id)).toMatchObject({ votes: 1, voted: false });
    expect(await count('votes', 'annotation_id = $1', [a.id])).toBe(1);
  });

  it('refuses voting for oneself (403), outsiders and unknown items (404), anonymous callers (401)', async () => {
    const a = await annotate(s.alice);
    await vote(s.alice, `/api/annotations/${a.id}/vote`, 403);
    await vote(s.outsider, `/api/annotations/${a.id}/vote`, 404);
    await vote(s.bob, `/api/annotations/00000000-0000-4000-8000-000000000000/vote`, 404);
    await vote(s.bob, `/api/replies/00000000-0000-4000-8000-000000000000/vote`, 404);
    await t.http.post(`/api/annotations/${a.id}/vote`).expect(401);
    const secret = await annotate(s.alice, { visibility: 'private' });
    await vote(s.bob, `/api/annotations/${secret.id}/vote`, 404);
  });

  it('sorts threads by persuasive, newest and contested', async () => {
    const doc = await s.owner.agent
      .post(`/api/groups/${s.slug}/documents`)
      .send({
        title: 'Sorting',
        format: 'text',
        content: 'First passage here.\n\nSecond passage here.\n\nThird passage here.',
      })
      .expect(201);
    const { id, text } = doc.body as { id: string; text: string };
    const at = async (quote: string) =>
      (
        await s.alice.agent
          .post(`/api/documents/${id}/annotations`)
          .send({ target: selectorsFor(text, quote), text: quote })
          .expect(201)
      ).body as AnnotationDto;
    const first = await at('First passage');
    const second = await at('Second passage');
    const third = await at('Third passage');
    await vote(s.bob, `/api/annotations/${second.id}/vote`);
    await vote(s.owner, `/api/annotations/${second.id}/vote`);
    await vote(s.bob, `/api/annotations/${third.id}/vote`);
    await reply(s.bob, first.id, { text: 'No.', move: 'rebut' });
    await reply(s.owner, first.id, { text: 'Partly.', move: 'qualify' });
    await reply(s.bob, third.id, { text: 'Yes.', move: 'support' });
    const order = async (sort: string) =>
      (
        (await s.bob.agent.get(`/api/documents/${id}/annotations?sort=${sort}`).expect(200)).body as AnnotationList
      ).items.map((a) => a.id);
    expect(await order('document')).toEqual([first.id, second.id, third.id]);
    expect(await order('persuasive')).toEqual([second.id, third.id, first.id]);
    expect(await order('newest')).toEqual([third.id, second.id, first.id]);
    expect((await order('contested'))[0]).toBe(first.id);
    await s.bob.agent.get(`/api/documents/${id}/annotations?sort=loudest`).expect(400);
  });
});

describe('notifications', () => {
  it('notifies replies to my items, mentions of members, and votes; newest first with an unread count; marks read', async () => {
    const alice = await notifications(s.alice);
    const before = alice.unread;
    const a = await annotate(s.alice, { text: 'What did the POR want?' }, OTHER);
    const r = await reply(s.bob, a.id, { text: 'Power, for the COB.' });
    await reply(s.alice, a.id, { text: 'And then?', parentId: r.id });
    await vote(s.bob, `/api/annotations/${a.id}/vote`);
    await vote(s.bob, `/api/annotations/${a.id}/vote`);
    await vote(s.bob, `/api/annotations/${a.id}/vote`); // off and on again: still one unread vote notification
    await annotate(s.owner, { text: `Look at this, @${s.alice.handle} and @${s.outsider.handle}.` });
    await annotate(s.owner, { text: `Private: @${s.alice.handle}`, visibility: 'private' });

    const mine = await notifications(s.alice);
    const fresh = mine.items.slice(0, mine.unread - before);
    expect(fresh.map((n) => n.kind)).toEqual(['mention', 'vote', 'reply']);
    expect(mine.unread).toBe(before + 3);
    const [mention, voted, replied] = fresh as [NotificationDto, NotificationDto, NotificationDto];
    expect(replied).toMatchObject({
      kind: 'reply',
      read: false,
      actor: { id: s.bob.id },
      data: { annotationId: a.id, replyId: r.id, groupSlug: s.slug, documentId: s.documentId },
    });
    expect(voted).toMatchObject({ kind: 'vote', actor: { id: s.bob.id }, data: { targetId: a.id } });
    expect(mention).toMatchObject({ kind: 'mention', actor: { id: s.owner.id } });
    expect(String(mention.data.excerpt)).toContain('Look at this');
    // Bob was answered in his reply's thread; nobody is told of their own doing; outsiders are not members.
    const bob = await notifications(s.bob);
    expect(bob.items[0]).toMatchObject({ kind: 'reply', actor: { id: s.alice.id } });
    expect((await notifications(s.outsider)).items).toEqual([]);
    expect((await notifications(s.owner)).items.filter((n) => n.actor?.id === s.owner.id)).toEqual([]);

    const read = await s.alice.agent
      .post('/api/notifications/read')
      .send({ ids: [replied.id] })
      .expect(200);
    expect(read.body).toEqual({ unread: before + 2 });
    expect((await notifications(s.alice)).items.find((n) => n.id === replied.id)!.read).toBe(true);
    expect((await notifications(s.alice, '?unread=true')).items.map((n) => n.id)).not.toContain(replied.id);
    // Someone else's ids change nothing.
    await s.bob.agent
      .post('/api/notifications/read')
      .send({ ids: [voted.id] })
      .expect(200);
    expect((await notifications(s.alice)).unread).toBe(before + 2);
    expect((await s.alice.agent.post('/api/notifications/read').expect(200)).body).toEqual({ unread: 0 });
    expect((await s.alice.agent.post('/api/notifications/read').send({}).expect(200)).body).toEqual({ unread: 0 });
    await s.alice.agent
      .post('/api/notifications/read')
      .send({ ids: ['nope'] })
      .expect(400);
    await t.http.get('/api/notifications').expect(401);
  });

  it('notifies a mention added by an edit once, and not again on a further edit', async () => {
    const start = (await notifications(s.bob)).unread;
    const a = await annotate(s.alice, { text: 'No mention yet.' });
    const edited = (
      await s.alice.agent
        .patch(`/api/annotations/${a.id}`)
        .send({ version: a.version, text: `Now @${s.bob.handle}` })
        .expect(200)
    ).body as AnnotationDto;
    await s.alice.agent
      .patch(`/api/annotations/${a.id}`)
      .send({ version: edited.version, text: `Now @${s.bob.handle}, still.` })
      .expect(200);
    const n = await notifications(s.bob);
    expect(n.unread).toBe(start + 1);
    expect(n.items[0]).toMatchObject({ kind: 'mention', data: { annotationId: a.id } });
  });

  it('sends notify:new live to every socket of the user', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: cookieOf(s.bob.agent), origin: url },
    });
    sockets.push(socket);
    const got = new Promise<{ notification: NotificationDto; unread: number }>((resolve) =>
      socket.on('notify:new', resolve),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await annotate(s.alice, { text: `Hey @${s.bob.handle}, look.` });
    const payload = await Promise.race([
      got,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no notify:new')), 5000)),
    ]);
    expect(payload.notification).toMatchObject({ kind: 'mention', actor: { id: s.alice.id }, read: false });
    expect(payload.unread).toBe((await notifications(s.bob)).unread);
  });
});
