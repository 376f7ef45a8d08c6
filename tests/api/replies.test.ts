import type {
  AnnotationDto,
  AnnotationList,
  DebateBoard,
  DebateDto,
  NotificationList,
  ReplyDto,
} from '@scholia/shared';
import { describe, expect, it } from 'vitest';
import { sql } from '../support/db.js';
import { type Member, selectorsFor } from '../support/fixtures.js';
import { type ApiServer, cookieOf, type Seminar, useLiveSeminar } from '../realtime/helpers.js';

// A running server (not only the app) so that a second member's socket can watch the edits live.
let server: ApiServer;
let s: Seminar;
const clients = useLiveSeminar((started, seeded) => ((server = started), (s = seeded)));

const QUOTE = 'the power of the working class';

async function annotate(by: Member, text = 'A note'): Promise<AnnotationDto> {
  return (
    await by.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, QUOTE), text })
      .expect(201)
  ).body as AnnotationDto;
}

async function reply(by: Member, annotationId: string, body: object): Promise<ReplyDto> {
  return (await by.agent.post(`/api/annotations/${annotationId}/replies`).send(body).expect(201)).body as ReplyDto;
}

/** The reply as `viewer` lists it. */
async function listed(viewer: Member, r: ReplyDto): Promise<ReplyDto | undefined> {
  const list = (await viewer.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200))
    .body as AnnotationList;
  return list.items.find((a) => a.id === r.annotationId)?.replies.find((x) => x.id === r.id);
}

/** The stored row, to check that a refused request changed nothing. */
async function stored(id: string): Promise<Record<string, unknown>> {
  const [row] = await sql('SELECT text, html, version, deleted_at, updated_at FROM replies WHERE id = $1', [id]);
  return row!;
}

function expectProblem(res: { status: number; headers: Record<string, string> }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}

describe('editing a reply', () => {
  it('lets the author edit: new text and html, version bumped, listed so for everyone', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'The miners, breifly.', move: 'support' });
    expect(r.version).toBe(1);

    const res = await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'The miners, **briefly**.' });
    expect(res.status).toBe(200);
    const edited = res.body as ReplyDto;
    expect(edited).toMatchObject({
      id: r.id,
      annotationId: a.id,
      text: 'The miners, **briefly**.',
      move: 'support',
      version: 2,
      deleted: false,
      author: { id: s.bob.id },
    });
    expect(edited.html).toContain('<strong>briefly</strong>');
    expect(Date.parse(edited.updated)).toBeGreaterThanOrEqual(Date.parse(r.updated));
    expect(await listed(s.alice, r)).toMatchObject({ text: 'The miners, **briefly**.', version: 2 });
  });

  it('refuses a stale version with 409 and keeps the saved text', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'First' });
    await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Second' }).expect(200);
    const before = await stored(r.id);
    const res = await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Third' });
    expectProblem(res, 409);
    expect((res.body as { type: string }).type).toMatch(/stale-version$/);
    expect(await stored(r.id)).toEqual(before);
    expect(before).toMatchObject({ text: 'Second', version: 2 });
  });

  it('lets nobody else edit it: 403 for other members (instructors too), 404 for outsiders; nothing changes', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Mine to edit' });
    const before = await stored(r.id);
    for (const other of [s.alice, s.owner])
      expectProblem(await other.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Not yours' }), 403);
    expectProblem(await s.outsider.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Nor yours' }), 404);
    expectProblem(
      await s.bob.agent
        .patch('/api/replies/00000000-0000-4000-8000-000000000000')
        .send({ version: 1, text: 'No such reply' }),
      404,
    );
    expect(await stored(r.id)).toEqual(before);
  });

  it('answers bad bodies with 400 problem+json and changes nothing', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Keep me' });
    const before = await stored(r.id);
    for (const body of [
      {},
      { version: 1 },
      { text: 'No version' },
      { version: 1, text: '   ' },
      { version: 0, text: 'Version zero' },
      { version: 1.5, text: 'Fractional version' },
      { version: '1', text: 'Version as a string' },
      { version: 1, text: 'x'.repeat(20_001) },
      { version: 1, text: 'A move is not edited', move: 'rebut' },
    ]) {
      const res = await s.bob.agent.patch(`/api/replies/${r.id}`).send(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expectProblem(await s.bob.agent.patch('/api/replies/not-a-uuid').send({ version: 1, text: 'x' }), 400);
    expect(await stored(r.id)).toEqual(before);
  });

  it('refuses edits by students in a locked thread (409 thread-locked), as it refuses replies', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Before the lock' });
    await s.owner.agent
      .post(`/api/groups/${s.slug}/moderation`)
      .send({ action: 'lock', targetType: 'annotation', targetId: a.id })
      .expect(201);
    const res = await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'After the lock' });
    expectProblem(res, 409);
    expect((res.body as { type: string }).type).toMatch(/thread-locked$/);
    expect(await stored(r.id)).toMatchObject({ text: 'Before the lock', version: 1 });
  });

  it('refuses edits by a muted member with 403', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Before the mute' });
    await s.owner.agent
      .post(`/api/groups/${s.slug}/moderation`)
      .send({ action: 'mute', targetType: 'member', targetId: s.bob.id, reason: 'Cooling off' })
      .expect(201);
    try {
      expectProblem(await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Muted edit' }), 403);
      expect(await stored(r.id)).toMatchObject({ text: 'Before the mute', version: 1 });
    } finally {
      await s.owner.agent
        .post(`/api/groups/${s.slug}/moderation`)
        .send({ action: 'unmute', targetType: 'member', targetId: s.bob.id })
        .expect(201);
    }
  });

  it('notifies members mentioned by the edit, once: only mentions it adds', async () => {
    const a = await annotate(s.owner);
    const r = await reply(s.bob, a.id, { text: 'Who agrees?' });
    const mentions = async () =>
      ((await s.alice.agent.get('/api/notifications').expect(200)).body as NotificationList).items.filter(
        (n) => n.kind === 'mention' && n.data.replyId === r.id,
      );
    expect(await mentions()).toHaveLength(0);
    await s.bob.agent
      .patch(`/api/replies/${r.id}`)
      .send({ version: 1, text: `Who agrees, @${s.alice.handle}?` })
      .expect(200);
    expect(await mentions()).toHaveLength(1);
    await s.bob.agent
      .patch(`/api/replies/${r.id}`)
      .send({ version: 2, text: `Who agrees, @${s.alice.handle}? (typo fixed)` })
      .expect(200);
    expect(await mentions()).toHaveLength(1);
  });
});

describe('deleting a reply', () => {
  it('soft-deletes: the thread shows it deleted and blank; again is a no-op; editing it then is 404', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Regrettable words' });
    const answer = await reply(s.alice, a.id, { text: 'An answer below it', parentId: r.id });

    await s.bob.agent.delete(`/api/replies/${r.id}`).expect(204);
    const seen = await listed(s.alice, r);
    expect(seen).toMatchObject({ id: r.id, deleted: true, text: '', html: '', author: null, citations: [] });
    // The answer keeps its place under the deleted reply.
    expect(await listed(s.alice, answer)).toMatchObject({ parentId: r.id, text: 'An answer below it' });
    const row = await stored(r.id);
    expect(row).toMatchObject({ text: '', html: '' });
    expect(row.deleted_at).not.toBeNull();

    await s.bob.agent.delete(`/api/replies/${r.id}`).expect(204);
    expect(await stored(r.id)).toEqual(row);
    expectProblem(await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 2, text: 'Back' }), 404);
  });

  it('lets nobody else delete it: 403 for other members, 404 for outsiders', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Still here' });
    for (const other of [s.alice, s.owner]) expectProblem(await other.agent.delete(`/api/replies/${r.id}`), 403);
    expectProblem(await s.outsider.agent.delete(`/api/replies/${r.id}`), 404);
    expect(await stored(r.id)).toMatchObject({ text: 'Still here', deleted_at: null });
  });

  it('takes a deleted reply’s stance off the debate board', async () => {
    const debate = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/debates`)
        .send({ question: 'Did the POR fail?', positions: [{ title: 'Yes' }, { title: 'No' }] })
        .expect(201)
    ).body as DebateDto;
    const positionId = debate.positions[0]!.id;
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'It did.', stance: { positionId, side: 'for' } });
    const board = async () =>
      (await s.alice.agent.get(`/api/debates/${debate.id}/board`).expect(200)).body as DebateBoard;
    expect((await board()).positions[0]!.for.map((x) => x.replyId)).toEqual([r.id]);

    await s.bob.agent.delete(`/api/replies/${r.id}`).expect(204);
    const after = await board();
    expect(after.positions[0]!.for).toEqual([]);
    expect(after.positions[0]!.counts).toMatchObject({ for: 0, holdersFor: 0 });
    expect(after.participants.map((p) => p.user.id)).not.toContain(s.bob.id);
  });
});

describe('live', () => {
  it('sends reply.updated and reply.deleted to another reader of the document', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Live words' });
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const seq = await alice.joinOk(s.documentId);

    const edited = (
      await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Live, edited' }).expect(200)
    ).body as ReplyDto;
    const updated = await alice.nextEvent((e) => e.type === 'reply.updated', 'reply.updated at alice');
    expect(updated).toMatchObject({ seq: seq + 1, type: 'reply.updated' });
    expect(updated.payload).toMatchObject({ id: r.id, text: 'Live, edited', version: 2, html: edited.html });

    await s.bob.agent.delete(`/api/replies/${r.id}`).expect(204);
    const deleted = await alice.nextEvent((e) => e.type === 'reply.deleted', 'reply.deleted at alice');
    expect(deleted).toEqual({
      documentId: s.documentId,
      seq: seq + 2,
      type: 'reply.deleted',
      payload: { id: r.id, annotationId: a.id },
    });
  });

  it('keeps a hidden reply masked for other members when its author edits it; instructors see the words', async () => {
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, { text: 'Rude words' });
    await s.owner.agent
      .post(`/api/groups/${s.slug}/moderation`)
      .send({ action: 'hide', targetType: 'reply', targetId: r.id, reason: 'Tone' })
      .expect(201);
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const owner = clients.open(server.url, cookieOf(s.owner.agent));
    await alice.joinOk(s.documentId);
    await owner.joinOk(s.documentId);

    const edited = (
      await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Kinder words' }).expect(200)
    ).body as ReplyDto;
    expect(edited).toMatchObject({ text: 'Kinder words', moderation: { hidden: true, reason: 'Tone' } });
    const atAlice = await alice.nextEvent((e) => e.type === 'reply.updated', 'reply.updated at alice');
    expect(atAlice.payload).toMatchObject({ id: r.id, text: '', moderation: { hidden: true, reason: null } });
    const atOwner = await owner.nextEvent((e) => e.type === 'reply.updated', 'reply.updated at the owner');
    expect(atOwner.payload).toMatchObject({ id: r.id, text: 'Kinder words', moderation: { hidden: true } });
    expect(JSON.stringify(alice.events)).not.toContain('Kinder words');
  });

  it('keeps a reply arguing in a sealed commit-then-reveal debate from peers: no live edit, 404 rather than 403', async () => {
    const debate = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/debates`)
        .send({ question: 'Sealed?', positions: [{ title: 'Yes' }, { title: 'No' }], mode: 'commit-reveal' })
        .expect(201)
    ).body as DebateDto;
    const a = await annotate(s.alice);
    const r = await reply(s.bob, a.id, {
      text: 'Sealed words',
      stance: { positionId: debate.positions[0]!.id, side: 'for' },
    });
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const owner = clients.open(server.url, cookieOf(s.owner.agent));
    await alice.joinOk(s.documentId);
    await owner.joinOk(s.documentId);

    expectProblem(await s.alice.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'x' }), 404);
    expectProblem(await s.alice.agent.delete(`/api/replies/${r.id}`), 404);
    await s.bob.agent.patch(`/api/replies/${r.id}`).send({ version: 1, text: 'Sealed, edited' }).expect(200);
    await owner.nextEvent((e) => e.type === 'reply.updated', 'reply.updated at the owner');
    await alice.ping();
    expect(alice.events.filter((e) => e.type === 'reply.updated')).toEqual([]);
  });
});
