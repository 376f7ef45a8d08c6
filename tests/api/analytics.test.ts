import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsReport, AnalyticsRow } from '@scholia/shared';
import { countWords, distinctPassages } from '../../apps/api/src/analytics/metrics.js';
import { createTestApp, newUser, type TestApp } from '../support/app.js';
import { closeDb, sql } from '../support/db.js';
import { seminar, selectorsFor, type Member, type Seminar } from '../support/fixtures.js';

let t: TestApp;
let s: Seminar;
let doc2: { id: string; text: string };
let instructor: Member;
let evil: Member;
const ids: Record<string, string> = {};

/** Selectors for `inner` inside the first occurrence of `outer` (so that two highlights surely overlap). */
function selectorsWithin(text: string, outer: string, inner: string) {
  const at = text.indexOf(outer) + outer.indexOf(inner);
  const start = [...text.slice(0, at)].length;
  return {
    selector: [
      { type: 'TextPositionSelector', start, end: start + [...inner].length },
      { type: 'TextQuoteSelector', exact: inner },
    ],
  };
}

async function annotate(
  m: Member,
  target: object,
  extra: Record<string, unknown> = {},
  documentId = s.documentId,
): Promise<string> {
  const res = await m.agent
    .post(`/api/documents/${documentId}/annotations`)
    .send({ target, ...extra })
    .expect(201);
  return (res.body as { id: string }).id;
}

async function reply(m: Member, annotationId: string, body: Record<string, unknown>): Promise<string> {
  const res = await m.agent.post(`/api/annotations/${annotationId}/replies`).send(body).expect(201);
  return (res.body as { id: string }).id;
}

async function member(name: string, code: string, displayName?: string): Promise<Member> {
  const agent = t.agent();
  const res = await agent
    .post('/api/auth/register')
    .send({ ...newUser(name), ...(displayName ? { displayName } : {}) })
    .expect(201);
  await agent.post('/api/groups/join').send({ code }).expect(200);
  const body = res.body as { id: string; handle: string; displayName: string };
  return { agent, id: body.id, handle: body.handle, displayName: body.displayName };
}

const analyticsUrl = (query = '') => `/api/groups/${s.slug}/analytics${query ? `?${query}` : ''}`;
const rowOf = (r: AnalyticsReport, userId: string, documentId: string): AnalyticsRow | undefined =>
  r.rows.find((x) => x.student.id === userId && x.documentId === documentId);

beforeAll(async () => {
  t = await createTestApp({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
  s = await seminar(t);
  const inviteI = await s.owner.agent.post(`/api/groups/${s.slug}/invites`).send({ role: 'instructor' }).expect(201);
  instructor = await member('Instructor', (inviteI.body as { code: string }).code);
  const inviteS = await s.owner.agent.post(`/api/groups/${s.slug}/invites`).send({ role: 'student' }).expect(201);
  evil = await member('Evil', (inviteS.body as { code: string }).code, '=HYPERLINK("http://evil.example")');
  const d = await s.owner.agent
    .post(`/api/groups/${s.slug}/documents`)
    .send({ title: 'A second text', format: 'text', content: 'A short second text about tin mines and miners.' })
    .expect(201);
  doc2 = d.body as { id: string; text: string };

  // Alice on the essay: two overlapping highlights (one passage) and a separate one; a private and a deleted note.
  ids.a1 = await annotate(s.alice, selectorsFor(s.text, 'the power of the working class'), { text: 'One two three' });
  ids.a2 = await annotate(s.alice, selectorsWithin(s.text, 'the power of the working class', 'working class'));
  ids.a3 = await annotate(s.alice, selectorsFor(s.text, 'permanent revolution'), { text: 'Four, five!' });
  ids.a4 = await annotate(s.alice, selectorsFor(s.text, 'petty bourgeoisie'), {
    text: 'secret private words',
    visibility: 'private',
  });
  ids.a5 = await annotate(s.alice, selectorsFor(s.text, 'Trotskyist'), { text: 'deleted words' });
  await s.alice.agent.delete(`/api/annotations/${ids.a5}`).expect(204);
  // Alice on the second text.
  ids.d2 = await annotate(s.alice, selectorsFor(doc2.text, 'tin mines'), { text: 'Ünïcödé words here' }, doc2.id);

  // Bob annotates and rebuts Alice; Alice asks back; the owner comments; Alice supports herself (not "received").
  ids.b1 = await annotate(s.bob, selectorsFor(s.text, 'Bolivia'), { text: "Bob's note" });
  ids.bobRebut = await reply(s.bob, ids.a1, { text: 'I disagree strongly', move: 'rebut' });
  ids.aliceQuestion = await reply(s.alice, ids.a1, { text: 'Why?', move: 'question', parentId: ids.bobRebut });
  ids.ownerComment = await reply(s.owner, ids.a1, { text: 'Good point' });
  ids.aliceSupport = await reply(s.alice, ids.a1, { text: 'Adding support', move: 'support' });
  ids.bobDeleted = await reply(s.bob, ids.a3, { text: 'Soon deleted', move: 'qualify' });
  await sql(`UPDATE replies SET deleted_at = now() WHERE id = $1`, [ids.bobDeleted]);

  // Votes (self-votes do not count as received).
  const vote = (userId: string, col: 'annotation_id' | 'reply_id', id: string) =>
    sql(`INSERT INTO votes (id, user_id, ${col}) VALUES (gen_random_uuid(), $1, $2)`, [userId, id]);
  await vote(s.bob.id, 'annotation_id', ids.a1);
  await vote(s.owner.id, 'annotation_id', ids.a1);
  await vote(s.alice.id, 'annotation_id', ids.a1);
  await vote(s.alice.id, 'reply_id', ids.bobRebut);

  // A debate with three positions; Alice argues two (one stance later superseded), and one in a private note.
  const [debate] = await sql<{ id: string }>(
    `INSERT INTO debates (id, document_id, question, created_by_id) VALUES (gen_random_uuid(), $1, 'Why did the POR fail?', $2) RETURNING id`,
    [s.documentId, s.owner.id],
  );
  const positions: string[] = [];
  for (const [i, title] of ['Permanent revolution', 'Deflected permanent revolution', 'Neither'].entries()) {
    const [p] = await sql<{ id: string }>(
      `INSERT INTO positions (id, debate_id, title, ordinal) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`,
      [debate!.id, title, i],
    );
    positions.push(p!.id);
  }
  const stance = (userId: string, positionId: string, side: string, annotationId: string | null, superseded = false) =>
    sql(
      `INSERT INTO stances (id, debate_id, position_id, user_id, side, annotation_id, superseded_at) VALUES (gen_random_uuid(), $1, $2, $3, $4::"StanceSide", $5, $6)`,
      [debate!.id, positionId, userId, side, annotationId, superseded ? new Date() : null],
    );
  await stance(s.alice.id, positions[0]!, 'for', ids.a1, true);
  await stance(s.alice.id, positions[1]!, 'against', ids.a1);
  await stance(s.alice.id, positions[0]!, 'for', ids.a3);
  await stance(s.alice.id, positions[2]!, 'for', ids.a4);
  await stance(s.bob.id, positions[0]!, 'against', ids.b1);
});

afterAll(async () => {
  await t?.close();
  await closeDb();
});

describe('analytics metrics', () => {
  it('counts words in any script', () => {
    expect(countWords('')).toBe(0);
    expect(countWords("Bob's well-known **bold** claim, 1952!")).toBe(5);
    expect(countWords('Ünïcödé words — עברית ✊🏽 日本')).toBe(4);
  });

  it('merges overlapping passages, keeps touching ones apart', () => {
    expect(distinctPassages([])).toBe(0);
    expect(
      distinctPassages([
        { start: 0, end: 10 },
        { start: 5, end: 12 },
        { start: 12, end: 20 },
      ]),
    ).toBe(2);
    expect(
      distinctPassages([
        { start: 30, end: 40 },
        { start: 0, end: 100 },
        { start: 50, end: 60 },
      ]),
    ).toBe(1);
    expect(
      distinctPassages([
        { start: 3, end: 5 },
        { start: 3, end: 5 },
      ]),
    ).toBe(1);
  });
});

describe('GET /api/groups/:slug/analytics', () => {
  it('gives instructors every student per document, with the documented counts', async () => {
    for (const m of [s.owner, instructor]) {
      const res = await m.agent.get(analyticsUrl()).expect(200);
      const r = res.body as AnalyticsReport;
      expect(r.documentId).toBeNull();
      expect(r.documents.map((d) => d.id)).toEqual([s.documentId, doc2.id]);
      // Students only, each on each document.
      expect(new Set(r.totals.map((x) => x.student.id))).toEqual(new Set([s.alice.id, s.bob.id, evil.id]));
      expect(r.rows).toHaveLength(3 * 2);

      expect(rowOf(r, s.alice.id, s.documentId)).toEqual({
        student: { id: s.alice.id, displayName: s.alice.displayName, handle: s.alice.handle },
        documentId: s.documentId,
        annotations: 3,
        replies: 2,
        words: 3 + 2 + 1 + 2,
        passages: 2,
        positions: 2,
        repliesReceived: 2,
        votesReceived: 2,
        moves: { comment: 0, support: 1, rebut: 0, qualify: 0, question: 1, 'source-request': 0 },
      });
      expect(rowOf(r, s.bob.id, s.documentId)).toMatchObject({
        annotations: 1,
        replies: 1,
        words: 2 + 3,
        passages: 1,
        positions: 1,
        repliesReceived: 1,
        votesReceived: 1,
        moves: { comment: 0, support: 0, rebut: 1, qualify: 0, question: 0, 'source-request': 0 },
      });
      expect(rowOf(r, s.alice.id, doc2.id)).toMatchObject({
        annotations: 1,
        replies: 0,
        words: 3,
        passages: 1,
        positions: 0,
      });
      expect(rowOf(r, evil.id, doc2.id)).toMatchObject({ annotations: 0, replies: 0, words: 0, passages: 0 });
      expect(r.totals.find((x) => x.student.id === s.alice.id)).toMatchObject({
        annotations: 4,
        replies: 2,
        words: 11,
        passages: 3,
        positions: 2,
      });
    }
  });

  it('filters by document', async () => {
    const r = (await s.owner.agent.get(analyticsUrl(`documentId=${doc2.id}`)).expect(200)).body as AnalyticsReport;
    expect(r.documentId).toBe(doc2.id);
    expect(r.rows.every((x) => x.documentId === doc2.id)).toBe(true);
    expect(r.rows).toHaveLength(3);
    expect(r.totals.find((x) => x.student.id === s.alice.id)).toMatchObject({
      annotations: 1,
      words: 3,
      passages: 1,
      repliesReceived: 0,
    });
    expect(r.documents).toHaveLength(2);
  });

  it('answers CSV with a header, one row per student per document, and defused formulas', async () => {
    const res = await s.owner.agent.get(analyticsUrl('format=csv')).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"/);
    const lines = res.text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'student,handle,document_id,document,annotations,replies,words,passages,positions,replies_received,votes_received,moves_comment,moves_support,moves_rebut,moves_qualify,moves_question,moves_source_request',
    );
    expect(lines).toHaveLength(1 + 3 * 2);
    const alice = lines.find((l) => l.startsWith(`${s.alice.displayName},`) && l.includes(s.documentId))!;
    expect(alice.split(',').slice(4)).toEqual(['3', '2', '8', '2', '2', '2', '2', '0', '1', '0', '0', '1', '0']);
    expect(lines.some((l) => l.startsWith(`"'=HYPERLINK(""http://evil.example"")"`))).toBe(true);
    const filtered = await s.owner.agent.get(analyticsUrl(`format=csv&documentId=${doc2.id}`)).expect(200);
    expect(filtered.text.split('\r\n').filter(Boolean)).toHaveLength(1 + 3);
  });

  it('is 403 to students, 404 to outsiders, 401 without a session', async () => {
    for (const m of [s.alice, s.bob]) {
      const res = await m.agent.get(analyticsUrl());
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect((await m.agent.get(analyticsUrl('format=csv'))).status).toBe(403);
    }
    const outsider = await s.outsider.agent.get(analyticsUrl());
    expect(outsider.status).toBe(404);
    expect(outsider.headers['content-type']).toMatch(/problem\+json/);
    await s.outsider.agent.get('/api/groups/no-such-group/analytics').expect(404);
    await t.http.get(analyticsUrl()).expect(401);
  });

  it('refuses a bad or foreign document filter', async () => {
    await s.owner.agent.get(analyticsUrl('documentId=nope')).expect(400);
    await s.owner.agent.get(analyticsUrl('format=xls')).expect(400);
    await s.owner.agent.get(analyticsUrl('documentId=00000000-0000-4000-8000-000000000000')).expect(404);
    const other = await s.outsider.agent.post('/api/groups').send({ name: 'Elsewhere' }).expect(201);
    const foreign = await s.outsider.agent
      .post(`/api/groups/${(other.body as { slug: string }).slug}/documents`)
      .send({ title: 'Foreign', format: 'text', content: 'Some other text.' })
      .expect(201);
    await s.owner.agent.get(analyticsUrl(`documentId=${(foreign.body as { id: string }).id}`)).expect(404);
  });
});
