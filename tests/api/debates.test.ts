import type {
  AnnotationDto,
  AnnotationList,
  ClientToServerEvents,
  DebateBoard,
  DebateDto,
  DocumentEventEnvelope,
  ReplyDto,
  ServerToClientEvents,
  StanceHistory,
} from '@scholia/shared';
import { io, type Socket } from 'socket.io-client';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/server.js';
import { closeDb, count, sql } from '../support/db.js';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/seed/demo-seed.service.js';
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

const POR_COB = 'Initially, the POR had a strong position within the COB';
const TRAGEDY =
  'That the trotskyists within the working class movement were never able to transform this dual power into workers’ power';
const DUAL = 'transform this dual power into workers’ power was the great tragedy of the Bolivian Revolution';
const COGOV = 'Lechin and the other union leaders wanted to institutionalise dual power as co-government';
const MNR_LEFT = 'In effect they were content to become the left of the MNR.';
const DOWNFALL = 'The POR confidently expected its downfall to herald the proletarian revolution in Bolivia';
const MINES = 'The MNR had the intention of nationalising the mines itself';
const PETTY = 'Unfortunately, the petty bourgeoisie did not abide by Trotsky’s theory.';

const POSITIONS = [
  { title: 'Permanent revolution: the party failed', statement: 'A subjective failure of the POR.' },
  {
    title: 'Deflected permanent revolution: objective conditions',
    statement: 'Cliff: the petty bourgeoisie could play an independent role.',
  },
];

async function newDebate(body: object = {}): Promise<DebateDto> {
  const res = await s.owner.agent
    .post(`/api/documents/${s.documentId}/debates`)
    .send({ question: 'Why did the POR fail to take power in 1952–53?', positions: POSITIONS, ...body })
    .expect(201);
  return res.body as DebateDto;
}

async function annotate(m: Member, quote: string, body: object = {}, status = 201): Promise<supertest.Response> {
  return m.agent
    .post(`/api/documents/${s.documentId}/annotations`)
    .send({ target: selectorsFor(s.text, quote), ...body })
    .expect(status);
}

const list = async (m: Member, query = ''): Promise<AnnotationList> =>
  (await m.agent.get(`/api/documents/${s.documentId}/annotations${query}`).expect(200)).body as AnnotationList;
const board = async (m: Member, id: string): Promise<DebateBoard> =>
  (await m.agent.get(`/api/debates/${id}/board`).expect(200)).body as DebateBoard;
const exported = async (m: Member, id: string, format: 'markdown' | 'csv'): Promise<string> =>
  (await m.agent.get(`/api/debates/${id}/export?format=${format}`).expect(200)).text;
const allArgs = (b: DebateBoard) => b.positions.flatMap((p) => [...p.for, ...p.against]);

/** A reader's socket joined to the document, recording its events. */
async function reader(
  m: Member,
  documentId = s.documentId,
): Promise<{
  events: DocumentEventEnvelope[];
  until: (f: (e: DocumentEventEnvelope) => boolean, what: string) => Promise<DocumentEventEnvelope>;
}> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie: cookieOf(m.agent), origin: url },
  });
  sockets.push(socket);
  const events: DocumentEventEnvelope[] = [];
  socket.on('doc:event', (e) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const joined = await socket.timeout(5000).emitWithAck('doc:join', { documentId });
  expect(joined).toMatchObject({ ok: true });
  const until = async (f: (e: DocumentEventEnvelope) => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = events.find(f);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { events, until };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('debates: permissions', () => {
  it('lets an instructor pose a debate with the documented shape, lists and gets it', async () => {
    const d = await newDebate();
    expect(d).toMatchObject({
      question: 'Why did the POR fail to take power in 1952–53?',
      mode: 'open',
      status: 'open',
      revealAt: null,
      documentId: s.documentId,
    });
    expect(d.positions).toHaveLength(2);
    expect(d.positions[0]).toMatchObject({ title: POSITIONS[0]!.title, statement: POSITIONS[0]!.statement });
    expect(typeof d.positions[0]!.id).toBe('string');
    const listed = (await s.alice.agent.get(`/api/documents/${s.documentId}/debates`).expect(200)).body as {
      items: DebateDto[];
    };
    expect(listed.items.map((x) => x.id)).toContain(d.id);
    const got = (await s.alice.agent.get(`/api/debates/${d.id}`).expect(200)).body as DebateDto;
    expect(got).toMatchObject({ id: d.id, viewer: { canManage: false, revealed: true, stance: null } });
    const group = (await s.bob.agent.get(`/api/groups/${s.slug}/debates`).expect(200)).body as { items: DebateDto[] };
    expect(group.items.map((x) => x.id)).toContain(d.id);
  });

  it('refuses students creating or closing (403), outsiders (404) and anonymous callers (401)', async () => {
    const d = await newDebate();
    const body = { question: 'Q?', positions: POSITIONS };
    await s.alice.agent.post(`/api/documents/${s.documentId}/debates`).send(body).expect(403);
    await s.alice.agent.patch(`/api/debates/${d.id}`).send({ status: 'closed' }).expect(403);
    for (const path of [
      `/api/debates/${d.id}`,
      `/api/debates/${d.id}/board`,
      `/api/debates/${d.id}/export`,
      `/api/documents/${s.documentId}/debates`,
    ]) {
      await s.outsider.agent.get(path).expect(404);
      await t.http.get(path).expect(401);
    }
    await s.outsider.agent.post(`/api/documents/${s.documentId}/debates`).send(body).expect(404);
    await s.outsider.agent.patch(`/api/debates/${d.id}`).send({ status: 'closed' }).expect(404);
    await t.http.post(`/api/documents/${s.documentId}/debates`).send(body).expect(401);
    await s.outsider.agent.get(`/api/groups/${s.slug}/debates`).expect(404);
  });

  it('validates the positions (2 to 6, distinct titles) with 400 and stores nothing', async () => {
    const before = await count('debates');
    const post = (positions: object[]) =>
      s.owner.agent.post(`/api/documents/${s.documentId}/debates`).send({ question: 'Q?', positions });
    expect((await post([{ title: 'Only one' }]).expect(400)).headers['content-type']).toContain(
      'application/problem+json',
    );
    await post(Array.from({ length: 7 }, (_, i) => ({ title: `P${i}` }))).expect(400);
    await post([{ title: 'Same' }, { title: 'same' }]).expect(400);
    expect(await count('debates')).toBe(before);
  });

  it('lets instructors close and reopen', async () => {
    const d = await newDebate();
    expect(
      (await s.owner.agent.patch(`/api/debates/${d.id}`).send({ status: 'closed' }).expect(200)).body,
    ).toMatchObject({ status: 'closed' });
    expect((await s.owner.agent.patch(`/api/debates/${d.id}`).send({ status: 'open' }).expect(200)).body).toMatchObject(
      { status: 'open' },
    );
    await s.owner.agent.patch(`/api/debates/${d.id}`).send({}).expect(400);
  });
});

describe('stances', () => {
  it('ties a stance to an annotation and a reply, shown on the annotations list', async () => {
    const d = await newDebate();
    const [p1, p2] = d.positions;
    const a = (
      await annotate(s.alice, POR_COB, {
        text: 'The party was strong and still failed.',
        stance: { positionId: p1!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    expect(a.stance).toEqual({ debateId: d.id, positionId: p1!.id, side: 'for' });
    const r = (
      await s.bob.agent
        .post(`/api/annotations/${a.id}/replies`)
        .send({
          text: 'Objective conditions decided it.',
          move: 'rebut',
          citations: [selectorsFor(s.text, PETTY)],
          stance: { positionId: p2!.id, side: 'for' },
        })
        .expect(201)
    ).body as ReplyDto;
    expect(r.stance).toEqual({ debateId: d.id, positionId: p2!.id, side: 'for' });
    const listed = (await list(s.owner)).items.find((x) => x.id === a.id)!;
    expect(listed.stance).toEqual(a.stance);
    expect(listed.replies.find((x) => x.id === r.id)!.stance).toEqual(r.stance);

    // Filter by position: a thread counts when its note or one of its replies argues about it, on the side asked for.
    const ids = async (query: string) => (await list(s.owner, query)).items.map((x) => x.id);
    expect(await ids(`?position=${p1!.id}`)).toEqual([a.id]);
    expect(await ids(`?position=${p2!.id}&side=for`)).toEqual([a.id]);
    expect(await ids(`?position=${p2!.id}&side=against`)).toEqual([]);
    const bad = await s.owner.agent.get(`/api/documents/${s.documentId}/annotations?side=for`).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('side');
  });

  it('refuses a position of a debate on another document (422) and stores nothing', async () => {
    const other = await s.owner.agent
      .post(`/api/groups/${s.slug}/documents`)
      .send({ title: 'Other', format: 'text', content: 'Another text about the MNR.' })
      .expect(201);
    const d = (
      await s.owner.agent
        .post(`/api/documents/${(other.body as { id: string }).id}/debates`)
        .send({ question: 'Elsewhere?', positions: POSITIONS })
        .expect(201)
    ).body as DebateDto;
    const before = await count('annotations', 'document_id = $1', [s.documentId]);
    const res = await annotate(s.alice, POR_COB, { stance: { positionId: d.positions[0]!.id, side: 'for' } }, 422);
    expect(res.body).toMatchObject({ status: 422 });
    await annotate(
      s.alice,
      POR_COB,
      { stance: { positionId: '00000000-0000-4000-8000-000000000000', side: 'for' } },
      422,
    );
    expect(await count('annotations', 'document_id = $1', [s.documentId])).toBe(before);
  });

  it('refuses new stances in a closed debate with 409, storing neither the annotation nor the reply', async () => {
    const d = await newDebate();
    const plain = (await annotate(s.alice, MINES, { text: 'Plain note' })).body as AnnotationDto;
    await s.owner.agent.patch(`/api/debates/${d.id}`).send({ status: 'closed' }).expect(200);
    const [annotations, replies, stances] = [
      await count('annotations', 'document_id = $1', [s.documentId]),
      await count('replies r JOIN annotations a ON a.id = r.annotation_id', 'a.document_id = $1', [s.documentId]),
      await count('stances', 'debate_id = $1', [d.id]),
    ];
    const res = await annotate(
      s.bob,
      MINES,
      { text: 'Too late', stance: { positionId: d.positions[0]!.id, side: 'against' } },
      409,
    );
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, type: 'urn:scholia:problem:debate-closed' });
    await s.bob.agent
      .post(`/api/annotations/${plain.id}/replies`)
      .send({ text: 'Too late too', stance: { positionId: d.positions[1]!.id, side: 'for' } })
      .expect(409);
    expect([
      await count('annotations', 'document_id = $1', [s.documentId]),
      await count('replies r JOIN annotations a ON a.id = r.annotation_id', 'a.document_id = $1', [s.documentId]),
      await count('stances', 'debate_id = $1', [d.id]),
    ]).toEqual([annotations, replies, stances]);
    // Reopened, it takes stances again.
    await s.owner.agent.patch(`/api/debates/${d.id}`).send({ status: 'open' }).expect(200);
    await annotate(s.bob, MINES, { text: 'Now', stance: { positionId: d.positions[0]!.id, side: 'against' } });
  });

  it('keeps the history when someone changes position; only instructors see another member’s', async () => {
    const d = await newDebate();
    const [p1, p2] = d.positions;
    const first = (
      await annotate(s.alice, DOWNFALL, { text: 'The party misread it.', stance: { positionId: p1!.id, side: 'for' } })
    ).body as AnnotationDto;
    await s.alice.agent
      .post(`/api/annotations/${first.id}/replies`)
      .send({
        text: 'On reflection, the MNR’s reforms decided it.',
        citations: [selectorsFor(s.text, PETTY)],
        stance: { positionId: p2!.id, side: 'for' },
      })
      .expect(201);
    const mine = (await s.alice.agent.get(`/api/debates/${d.id}/stances/history`).expect(200)).body as StanceHistory;
    expect(mine.items).toHaveLength(2);
    expect(mine.items[0]).toMatchObject({ positionId: p1!.id, side: 'for', annotationId: first.id });
    expect(mine.items[0]!.supersededAt).not.toBeNull();
    expect(mine.items[1]).toMatchObject({ positionId: p2!.id, side: 'for', supersededAt: null });
    await s.bob.agent.get(`/api/debates/${d.id}/stances/history?userId=${s.alice.id}`).expect(403);
    expect(
      ((await s.bob.agent.get(`/api/debates/${d.id}/stances/history`).expect(200)).body as StanceHistory).items,
    ).toEqual([]);
    const all = (await s.owner.agent.get(`/api/debates/${d.id}/stances/history?userId=${s.alice.id}`).expect(200))
      .body as StanceHistory;
    expect(all.items).toHaveLength(2);
    expect(((await s.alice.agent.get(`/api/debates/${d.id}`).expect(200)).body as DebateDto).viewer.stance).toEqual({
      positionId: p2!.id,
      side: 'for',
    });
    const b = await board(s.owner, d.id);
    const alice = b.participants.find((p) => p.user.id === s.alice.id)!;
    expect(alice).toMatchObject({ current: { positionId: p2!.id, side: 'for' }, changed: true });
    expect(b.positions[0]!.for[0]).toMatchObject({ current: false, annotationId: first.id });
    expect(b.positions[0]!.counts).toMatchObject({ for: 1, holdersFor: 0 });
    expect(b.positions[1]!.counts).toMatchObject({ for: 1, holdersFor: 1 });
  });
});

describe('the board', () => {
  it('shows arguments for and against in document order, counts, contested passages and who argued what', async () => {
    const d = await newDebate();
    const [p1, p2] = d.positions;
    const later = (
      await annotate(s.alice, COGOV, {
        text: 'The union leaders, not conditions.',
        stance: { positionId: p1!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    const earlier = (
      await annotate(s.alice, TRAGEDY, {
        text: 'A failure of the trotskyists.',
        stance: { positionId: p1!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    const against = (
      await annotate(s.bob, DUAL, {
        text: 'Dual power was the objective limit.',
        stance: { positionId: p1!.id, side: 'against' },
      })
    ).body as AnnotationDto;
    await annotate(s.bob, MNR_LEFT, {
      text: 'The MNR absorbed the left.',
      stance: { positionId: p2!.id, side: 'for' },
    });
    const b = await board(s.alice, d.id);
    expect(b.debate.id).toBe(d.id);
    expect(b.sealed).toBe(false);
    expect(b.positions.map((p) => p.title)).toEqual(POSITIONS.map((p) => p.title));
    expect(b.positions[0]!.for.map((a) => a.annotationId)).toEqual([earlier.id, later.id]);
    expect(b.positions[0]!.against.map((a) => a.annotationId)).toEqual([against.id]);
    expect(b.positions[0]!.counts).toEqual({ for: 2, against: 1, holdersFor: 1, holdersAgainst: 0 });
    expect(b.positions[1]!.counts).toEqual({ for: 1, against: 0, holdersFor: 1, holdersAgainst: 0 });
    const arg = b.positions[0]!.for[0]!;
    expect(arg).toMatchObject({
      kind: 'annotation',
      author: { id: s.alice.id },
      side: 'for',
      excerpt: 'A failure of the trotskyists.',
      votes: 0,
      evidence: 'passage',
    });
    expect(arg.passages[0]!.exact).toBe(TRAGEDY);
    expect([...s.text].slice(arg.passages[0]!.start!, arg.passages[0]!.end!).join('')).toBe(TRAGEDY);
    // TRAGEDY (for) and DUAL (against) overlap: contested.
    expect(b.contested).toHaveLength(1);
    const c = b.contested[0]!;
    expect(c.exact).toContain('dual power into workers’ power');
    expect(c.sides.map((x) => x.side).sort()).toEqual(['against', 'for']);
    expect(b.participants.map((p) => p.user.id).sort()).toEqual([s.alice.id, s.bob.id].sort());
    const bob = b.participants.find((p) => p.user.id === s.bob.id)!;
    expect(bob.current).toEqual({ positionId: p2!.id, side: 'for' });
    expect(bob.argued).toEqual(
      expect.arrayContaining([
        { positionId: p1!.id, side: 'against', count: 1 },
        { positionId: p2!.id, side: 'for', count: 1 },
      ]),
    );
  });

  it('exports Markdown and CSV with the quoted evidence', async () => {
    const d = await newDebate({ question: 'Exportable question?' });
    await annotate(s.alice, MNR_LEFT, {
      text: 'Export me, "quoted", please.',
      stance: { positionId: d.positions[1]!.id, side: 'for' },
    });
    const md = await s.alice.agent.get(`/api/debates/${d.id}/export`).expect(200);
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.text).toContain('# Exportable question?');
    expect(md.text).toContain(`## 2. ${POSITIONS[1]!.title}`);
    expect(md.text).toContain(MNR_LEFT);
    expect(md.text).toContain('Export me');
    const csv = await s.alice.agent.get(`/api/debates/${d.id}/export?format=csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^position,side,author/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Export me, ""quoted"", please."');
    await s.alice.agent.get(`/api/debates/${d.id}/export?format=pdf`).expect(400);
  });
});

describe('commit-then-reveal', () => {
  it('hides peers’ stances from a student who has not posted, in every endpoint, until they post', async () => {
    const d = await newDebate({ mode: 'commit-reveal' });
    const [p1, p2] = d.positions;
    const bobSocket = await reader(s.bob);
    const ownerSocket = await reader(s.owner);

    // Alice argues: an annotation, and a reply in someone else's (plain) thread.
    const sealedNote = (
      await annotate(s.alice, PETTY, {
        text: 'Zanzibar: the petty bourgeoisie acted.',
        stance: { positionId: p2!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    const plain = (await annotate(s.owner, MINES, { text: 'Read this passage closely.' })).body as AnnotationDto;
    const sealedReply = (
      await s.alice.agent
        .post(`/api/annotations/${plain.id}/replies`)
        .send({ text: 'Quetzal: the MNR moved first.', stance: { positionId: p1!.id, side: 'against' } })
        .expect(201)
    ).body as ReplyDto;
    await s.owner.agent.post(`/api/annotations/${sealedNote.id}/vote`).expect(200);
    await s.owner.agent
      .post(`/api/annotations/${sealedNote.id}/replies`)
      .send({ text: 'An instructor’s answer.' })
      .expect(201);
    await s.alice.agent
      .patch(`/api/annotations/${sealedNote.id}`)
      .send({ version: 1, text: 'Zanzibar, edited.' })
      .expect(200);
    const marker = (await annotate(s.alice, POR_COB, { text: 'An ordinary note after all that.' }))
      .body as AnnotationDto;

    // Realtime: bob gets the ordinary note but nothing of the sealed argument; the instructor gets everything.
    await bobSocket.until(
      (e) => e.type === 'annotation.created' && (e.payload as AnnotationDto).id === marker.id,
      'the marker at bob',
    );
    await ownerSocket.until(
      (e) => e.type === 'annotation.created' && (e.payload as AnnotationDto).id === marker.id,
      'the marker at owner',
    );
    const leaks = (events: DocumentEventEnvelope[]) => JSON.stringify(events).match(/Zanzibar|Quetzal/g) ?? [];
    expect(leaks(bobSocket.events)).toEqual([]);
    expect(bobSocket.events.some((e) => e.type === 'vote.changed')).toBe(false);
    expect(bobSocket.events.some((e) => e.type === 'reply.created')).toBe(false);
    const plainAtBob = bobSocket.events.find(
      (e) => e.type === 'annotation.created' && (e.payload as AnnotationDto).id === plain.id,
    );
    expect(plainAtBob).toBeDefined();
    expect(leaks(ownerSocket.events).length).toBeGreaterThanOrEqual(3);
    expect(ownerSocket.events.some((e) => e.type === 'vote.changed')).toBe(true);

    // REST: list, search, board, exports, the debate itself, replying.
    const bobList = await list(s.bob);
    expect(bobList.items.map((a) => a.id)).not.toContain(sealedNote.id);
    const plainForBob = bobList.items.find((a) => a.id === plain.id)!;
    expect(plainForBob.replies.map((r) => r.id)).not.toContain(sealedReply.id);
    expect(JSON.stringify(bobList)).not.toMatch(/Zanzibar|Quetzal/);
    expect((await list(s.bob, '?q=zanzibar')).items).toEqual([]);
    expect((await list(s.bob, '?q=quetzal')).items).toEqual([]);
    expect((await list(s.bob, `?position=${p2!.id}`)).items).toEqual([]);
    expect((await list(s.bob, `?position=${p1!.id}&side=against`)).items).toEqual([]);
    expect((await list(s.owner, `?position=${p1!.id}&side=against`)).items.map((a) => a.id)).toEqual([plain.id]);
    const bobBoard = await board(s.bob, d.id);
    expect(bobBoard.sealed).toBe(true);
    expect(allArgs(bobBoard)).toEqual([]);
    expect(bobBoard.participants).toEqual([]);
    expect(bobBoard.debate.viewer.revealed).toBe(false);
    expect(await exported(s.bob, d.id, 'markdown')).not.toMatch(/Zanzibar|Quetzal/);
    expect((await exported(s.bob, d.id, 'csv')).trim().split('\r\n')).toHaveLength(1);
    for (const format of ['csv', 'jsonld']) {
      const doc = await s.bob.agent.get(`/api/documents/${s.documentId}/export?format=${format}`).expect(200);
      expect(doc.text).toContain('Read this passage closely.');
      expect(doc.text).not.toMatch(/Zanzibar|Quetzal/);
    }
    await s.bob.agent.post(`/api/annotations/${sealedNote.id}/replies`).send({ text: 'Peeking' }).expect(404);
    await s.bob.agent.post(`/api/annotations/${sealedNote.id}/vote`).expect(404);

    // The instructor, and Alice herself, see it all.
    expect((await list(s.owner, '?q=zanzibar')).items.map((a) => a.id)).toEqual([sealedNote.id]);
    expect(allArgs(await board(s.owner, d.id))).toHaveLength(2);
    expect(allArgs(await board(s.alice, d.id))).toHaveLength(2);
    expect((await list(s.alice)).items.find((a) => a.id === plain.id)!.replies.map((r) => r.id)).toContain(
      sealedReply.id,
    );

    // Bob commits his own stance with evidence: everything opens up, live too.
    await annotate(s.bob, DUAL, { text: 'Objective limits.', stance: { positionId: p1!.id, side: 'against' } });
    const after = await list(s.bob);
    expect(after.items.map((a) => a.id)).toContain(sealedNote.id);
    expect(after.items.find((a) => a.id === sealedNote.id)!.stance).toEqual({
      debateId: d.id,
      positionId: p2!.id,
      side: 'for',
    });
    expect(after.items.find((a) => a.id === plain.id)!.replies.map((r) => r.id)).toContain(sealedReply.id);
    expect((await list(s.bob, '?q=zanzibar')).items.map((a) => a.id)).toEqual([sealedNote.id]);
    const opened = await board(s.bob, d.id);
    expect(opened.sealed).toBe(false);
    expect(allArgs(opened)).toHaveLength(3);
    expect(await exported(s.bob, d.id, 'markdown')).toContain('Zanzibar');
    expect((await s.bob.agent.get(`/api/documents/${s.documentId}/export?format=csv`).expect(200)).text).toMatch(
      /Zanzibar/,
    );
    const fresh = (
      await annotate(s.alice, COGOV, { text: 'Zanzibar again.', stance: { positionId: p2!.id, side: 'for' } })
    ).body as AnnotationDto;
    await bobSocket.until(
      (e) => e.type === 'annotation.created' && (e.payload as AnnotationDto).id === fresh.id,
      'the new argument at bob',
    );
  });

  it('reveals to everyone once the reveal time has passed (REST and realtime)', async () => {
    const revealAt = new Date(Date.now() + 2500).toISOString();
    const d = await newDebate({ mode: 'commit-reveal', revealAt });
    expect(d).toMatchObject({ mode: 'commit-reveal', revealAt });
    const bobSocket = await reader(s.bob);
    const early = (
      await annotate(s.alice, DOWNFALL, {
        text: 'Early bird.',
        stance: { positionId: d.positions[0]!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    const marker = (await annotate(s.alice, MINES, { text: 'Marker two.' })).body as AnnotationDto;
    await bobSocket.until((e) => (e.payload as AnnotationDto).id === marker.id, 'marker two');
    expect(bobSocket.events.some((e) => (e.payload as AnnotationDto).id === early.id)).toBe(false);
    expect((await list(s.bob)).items.map((a) => a.id)).not.toContain(early.id);
    expect((await board(s.bob, d.id)).sealed).toBe(true);

    await sleep(Math.max(0, Date.parse(revealAt) - Date.now()) + 200);
    expect((await list(s.bob)).items.map((a) => a.id)).toContain(early.id);
    const b = await board(s.bob, d.id);
    expect(b.sealed).toBe(false);
    expect(allArgs(b).map((a) => a.annotationId)).toContain(early.id);
    const late = (
      await annotate(s.alice, PETTY, {
        text: 'After the reveal.',
        stance: { positionId: d.positions[1]!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    await bobSocket.until(
      (e) => e.type === 'annotation.created' && (e.payload as AnnotationDto).id === late.id,
      'the argument after the reveal',
    );
  });

  it('withholds re-anchoring events of sealed arguments after a revision', async () => {
    const content = 'Alpha passage about the MNR.\n\nBeta passage about the POR.';
    const doc = (
      await s.owner.agent
        .post(`/api/groups/${s.slug}/documents`)
        .send({ title: 'Short', format: 'text', content })
        .expect(201)
    ).body as { id: string; text: string };
    const d = (
      await s.owner.agent
        .post(`/api/documents/${doc.id}/debates`)
        .send({ question: 'Sealed?', positions: POSITIONS, mode: 'commit-reveal' })
        .expect(201)
    ).body as DebateDto;
    const on = (m: Member, quote: string, body: object) =>
      m.agent
        .post(`/api/documents/${doc.id}/annotations`)
        .send({ target: selectorsFor(doc.text, quote), ...body })
        .expect(201);
    const sealed = (
      await on(s.alice, 'Beta passage', { text: 'Sealed', stance: { positionId: d.positions[0]!.id, side: 'for' } })
    ).body as AnnotationDto;
    const plain = (await on(s.owner, 'Alpha passage', { text: 'Plain' })).body as AnnotationDto;
    const bob = await reader(s.bob, doc.id);
    const owner = await reader(s.owner, doc.id);
    await s.owner.agent
      .post(`/api/documents/${doc.id}/revisions`)
      .send({ content: `A new first line.\n\n${content}` })
      .expect(201);
    const moved = (r: typeof bob, id: string) =>
      r.until((e) => e.type === 'annotation.reanchored' && (e.payload as { id: string }).id === id, `reanchored ${id}`);
    await moved(owner, sealed.id);
    await moved(owner, plain.id);
    await moved(bob, plain.id);
    expect(bob.events.some((e) => (e.payload as { id?: string }).id === sealed.id)).toBe(false);
  });

  it('an instructor can reveal at once by setting the reveal time to now', async () => {
    const d = await newDebate({ mode: 'commit-reveal' });
    const a = (
      await annotate(s.alice, TRAGEDY, {
        text: 'Sealed until revealed.',
        stance: { positionId: d.positions[0]!.id, side: 'for' },
      })
    ).body as AnnotationDto;
    expect((await list(s.bob)).items.map((x) => x.id)).not.toContain(a.id);
    await s.alice.agent.patch(`/api/debates/${d.id}`).send({ revealAt: new Date().toISOString() }).expect(403);
    await s.owner.agent.patch(`/api/debates/${d.id}`).send({ revealAt: new Date().toISOString() }).expect(200);
    expect((await list(s.bob)).items.map((x) => x.id)).toContain(a.id);
  });
});

describe('demo seed', () => {
  it('gives the demo seminar its debate with the students’ stances on real passages, once', async () => {
    const seed = t.app.get(DemoSeedService);
    await seed.seed();
    await seed.seed();
    const debates = await sql<{ id: string; question: string }>(
      `SELECT d.id::text AS id, d.question FROM debates d JOIN documents doc ON doc.id = d.document_id JOIN groups g ON g.id = doc.group_id WHERE g.slug = $1`,
      [DEMO_SLUG],
    );
    expect(debates.map((d) => d.question)).toEqual(['Why did the POR fail to take power in 1952-53?']);
    const positions = await sql<{ title: string }>(
      'SELECT title FROM positions WHERE debate_id = $1 ORDER BY ordinal',
      [debates[0]!.id],
    );
    expect(positions.map((p) => p.title)).toEqual([
      'Permanent revolution: the party failed (subjective)',
      'Deflected permanent revolution: objective conditions (Cliff)',
    ]);
    const stances = await sql<{ n: string; users: string; current: string }>(
      'SELECT count(*)::text AS n, count(DISTINCT user_id)::text AS users, count(*) FILTER (WHERE superseded_at IS NULL)::text AS current FROM stances WHERE debate_id = $1',
      [debates[0]!.id],
    );
    expect(Number(stances[0]!.n)).toBeGreaterThanOrEqual(6);
    expect(stances[0]).toMatchObject({ users: '2', current: '2' });
    const quotes = await sql<{ exact: string; start: number; end: number; text: string }>(
      `SELECT a.exact, a.start, a."end", r.text FROM annotations a JOIN document_revisions r ON r.document_id = a.document_id
       WHERE a.id IN (SELECT annotation_id FROM stances WHERE debate_id = $1 AND annotation_id IS NOT NULL)`,
      [debates[0]!.id],
    );
    expect(quotes.length).toBeGreaterThanOrEqual(4);
    for (const q of quotes) expect([...q.text].slice(q.start, q.end).join('')).toBe(q.exact);
    expect(quotes.map((q) => q.exact).join(' ')).toMatch(/POR.*COB|dual power|MNR/);
  });
});
