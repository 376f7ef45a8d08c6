import pg from 'pg';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeDb, count, sql } from '../support/db.js';
import { ESSAY, seminar, selectorsFor, type Seminar } from '../support/fixtures.js';

let t: TestApp;
let s: Seminar;

beforeAll(async () => {
  t = await createTestApp({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
  s = await seminar(t);
});
afterAll(async () => {
  await t.close();
  await closeDb();
});

interface Anchor {
  status: 'anchored' | 'moved' | 'orphaned';
  start: number | null;
  end: number | null;
}
interface Annotation {
  id: string;
  version: number;
  anchor: Anchor;
  target: { selector: { type: string; start?: number; end?: number; exact?: string }[] };
  deleted: boolean;
  visibility: string;
  replies: { id: string; citations: { target: unknown; anchor: Anchor }[] }[];
}

const cps = (text: string) => [...text];
const sliceCp = (text: string, start: number, end: number) => cps(text).slice(start, end).join('');

/** Code point range of the `nth` (0-based) occurrence of `quote`, optionally searched for inside `within`. */
function rangeOf(text: string, quote: string, nth = 0, within?: string): { start: number; end: number } {
  let from = 0;
  if (within !== undefined) {
    from = text.indexOf(within);
    if (from < 0) throw new Error(`"${within.slice(0, 40)}…" is not in the text`);
  }
  let at = text.indexOf(quote, from);
  for (let k = 0; k < nth && at >= 0; k++) at = text.indexOf(quote, at + 1);
  if (at < 0) throw new Error(`occurrence ${nth} of "${quote}" is not in the text`);
  const start = cps(text.slice(0, at)).length;
  return { start, end: start + cps(quote).length };
}

/** W3C selectors (32 code points of context) for the `nth` occurrence of `quote`. */
function selectorsAt(text: string, quote: string, nth = 0, within?: string) {
  const { start, end } = rangeOf(text, quote, nth, within);
  const all = cps(text);
  return {
    selector: [
      { type: 'TextPositionSelector', start, end },
      {
        type: 'TextQuoteSelector',
        exact: quote,
        prefix: all.slice(Math.max(0, start - 32), start).join(''),
        suffix: all.slice(end, end + 32).join(''),
      },
    ],
  };
}

// The essay's real typos and a paragraph the instructor removes (it comes after every typo).
const DELETED_PARAGRAPH =
  'Although most of Bolivian history has been concentrated on the relatively narrow altiplano, the eastern lowlands constitute 70 per cent of the national territory. And while mining generally occurs in the highlands, the eastern regions have abundant reserves of oil, natural gas, and wood, and present optimal conditions for the cultivation of rice, sugar, cotton and the raising of cattle.';
const ROSEA_COUNT = 7;

function corrected(source: string): string {
  expect(source.split('Carcia Meza')).toHaveLength(2);
  expect(source.split('the rosea')).toHaveLength(ROSEA_COUNT + 1);
  expect(source.split(DELETED_PARAGRAPH)).toHaveLength(2);
  return source
    .replace('Carcia Meza', 'Garcia Meza')
    .replaceAll('the rosea', 'the rosca')
    .replace(`${DELETED_PARAGRAPH}\n\n`, '');
}

describe('document revisions', () => {
  const ids: Record<string, string> = {};
  let roseaIds: string[] = [];
  let revised = '';
  let revisionNumber = 0;

  async function annotate(
    who: 'alice' | 'bob' | 'owner',
    name: string,
    target: object,
    extra: object = {},
  ): Promise<string> {
    const res = await s[who].agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target, text: name, ...extra })
      .expect(201);
    ids[name] = (res.body as { id: string }).id;
    return ids[name];
  }

  async function listAll(who: 'alice' | 'bob' | 'owner' = 'owner', query = ''): Promise<Annotation[]> {
    const res = await s[who].agent.get(`/api/documents/${s.documentId}/annotations${query}`).expect(200);
    return (res.body as { items: Annotation[] }).items;
  }

  it('sets up annotations on, around and away from the typos and the paragraph to delete', async () => {
    const text = s.text;
    await annotate('alice', 'far', selectorsFor(text, 'the power of the working class'));
    await annotate('alice', 'meza-sentence', selectorsFor(text, 'Carcia Meza was replaced a year later by Torrellio'));
    await annotate('bob', 'meza-name', selectorsFor(text, 'Carcia Meza'));
    await annotate('alice', 'after-meza', selectorsFor(text, 'was replaced a year later by Torrellio'));
    await annotate(
      'alice',
      'meza-same-paragraph',
      selectorsFor(text, 'he was displaced in his turn by General Guido Vildoso'),
    );
    roseaIds = [];
    for (let k = 0; k < ROSEA_COUNT; k++)
      roseaIds.push(await annotate('bob', `rosea-${k}`, selectorsAt(text, 'the rosea', k)));
    await annotate(
      'alice',
      'rosea-sentence',
      selectorsFor(text, '‘the rosea’ over Bolivia seemed secure and absolute'),
    );
    await annotate(
      'alice',
      'deleted-long',
      selectorsFor(text, 'the eastern lowlands constitute 70 per cent of the national territory'),
    );
    await annotate('bob', 'deleted-short', selectorsAt(text, 'the eastern lowlands', 0, DELETED_PARAGRAPH));
    await annotate('alice', 'deleted-word', selectorsAt(text, 'oil', 0, DELETED_PARAGRAPH));
    await annotate(
      'alice',
      'after-deleted',
      selectorsFor(text, 'By 1960, over sixty US assistance projects were operating in Santa Cruz.'),
    );
    await annotate('bob', 'private-after', selectorsFor(text, 'the dynamo of the Bolivian economy'), {
      visibility: 'private',
    });
    await annotate('bob', 'private-far', selectorsFor(text, 'Hernan Siles'), { visibility: 'private' });
    // Removed by a moderator: only instructors may still see it, and hear where it went.
    await annotate('bob', 'removed-after', selectorsFor(text, 'the Santa Cruz–Corumba, Brazil, railroad'));
    await sql('UPDATE annotations SET removed_at = now() WHERE id = $1', [ids['removed-after']]);
    // A deleted annotation whose thread lives on.
    const gone = await annotate(
      'alice',
      'deleted-with-replies',
      selectorsFor(text, 'import mechanized agricultural equipment'),
    );
    await s.bob.agent.post(`/api/annotations/${gone}/replies`).send({ text: 'Who paid for it?' }).expect(201);
    await s.alice.agent.delete(`/api/annotations/${gone}`).expect(204);
    // A reply citing one passage that moves and one that does not.
    const cite = await s.bob.agent
      .post(`/api/annotations/${ids['meza-sentence']}/replies`)
      .send({
        text: 'Compare these',
        move: 'support',
        citations: [
          selectorsFor(text, 'the Santa Cruz–Yacuiba, Argentina railroad'),
          selectorsFor(text, 'military coup led by Garcia Meza'),
        ],
      })
      .expect(201);
    ids['citing-reply'] = (cite.body as { id: string }).id;
  });

  it('refuses students (403), outsiders (404) and anonymous callers (401), and changes nothing', async () => {
    const body = { content: corrected(ESSAY) };
    const url = `/api/documents/${s.documentId}/revisions`;
    const before = await count('document_revisions', 'document_id = $1', [s.documentId]);
    const forbidden = await s.alice.agent.post(url).send(body);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-type']).toMatch(/problem\+json/);
    await s.outsider.agent.post(url).send(body).expect(404);
    await s.outsider.agent.get(url).expect(404);
    await t.http.post(url).send(body).expect(401);
    await t.http.get(url).expect(401);
    await s.owner.agent.post(`/api/documents/00000000-0000-7000-8000-000000000000/revisions`).send(body).expect(404);
    expect(await count('document_revisions', 'document_id = $1', [s.documentId])).toBe(before);
  });

  it('answers bad bodies with 400 (and unparseable text with 422) problem+json, changing nothing', async () => {
    const url = `/api/documents/${s.documentId}/revisions`;
    const before = await sql<{ id: string; start: number; anchor_status: string }>(
      'SELECT id, start, anchor_status FROM annotations WHERE document_id = $1 ORDER BY id',
      [s.documentId],
    );
    const seq = await sql<{ event_seq: number }>('SELECT event_seq FROM documents WHERE id = $1', [s.documentId]);
    for (const body of [
      {},
      { content: '' },
      { content: 'x', format: 'pdf' },
      { content: 'x', surprise: true },
      { content: 42 },
      { content: 'x', note: 'n'.repeat(1001) },
    ]) {
      const res = await s.owner.agent.post(url).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const blank = await s.owner.agent.post(url).send({ content: '   \n\n  ' });
    expect(blank.status).toBe(422);
    expect(blank.headers['content-type']).toMatch(/problem\+json/);
    await s.owner.agent.post('/api/documents/not-a-uuid/revisions').send({ content: 'x' }).expect(400);
    expect(await count('document_revisions', 'document_id = $1', [s.documentId])).toBe(1);
    const after = await sql('SELECT id, start, anchor_status FROM annotations WHERE document_id = $1 ORDER BY id', [
      s.documentId,
    ]);
    expect(after).toEqual(before);
    expect(await sql('SELECT event_seq FROM documents WHERE id = $1', [s.documentId])).toEqual(seq);
  });

  it('fixes the typos through a revision and re-anchors every annotation', async () => {
    const seqBefore = (
      await sql<{ event_seq: number }>('SELECT event_seq FROM documents WHERE id = $1', [s.documentId])
    )[0]!.event_seq;
    const res = await s.owner.agent
      .post(`/api/documents/${s.documentId}/revisions`)
      .send({ content: corrected(ESSAY), note: 'Fix “Carcia Meza” and “the rosea”; drop a quoted paragraph' })
      .expect(201);
    const body = res.body as {
      revision: number;
      text: string;
      blocks: unknown[];
      reanchored: { anchored: number; moved: number; orphaned: number };
    };
    revisionNumber = body.revision;
    revised = body.text;
    expect(body.revision).toBe(2);
    expect(body.blocks.length).toBeGreaterThan(10);
    expect(revised).toContain('Garcia Meza was replaced');
    expect(revised).not.toContain('the rosea');
    expect(revised).not.toContain('the eastern lowlands constitute');
    const total = await count('annotations', 'document_id = $1', [s.documentId]);
    expect(body.reanchored.anchored + body.reanchored.moved + body.reanchored.orphaned).toBe(total);
    expect(body.reanchored.orphaned).toBe(3);

    const doc = await s.alice.agent.get(`/api/documents/${s.documentId}`).expect(200);
    expect(doc.body).toMatchObject({ revision: 2, text: revised });

    const byId = new Map((await listAll('owner')).map((a) => [a.id, a]));
    const at = (name: string) => byId.get(ids[name]!)!;

    // Untouched passage before every edit: verified where it was.
    const far = rangeOf(revised, 'the power of the working class');
    expect(at('far').anchor).toEqual({ status: 'anchored', ...far });

    // The typo inside the passage: same place, text corrected, so "moved" (not verified as quoted).
    const sentence = rangeOf(revised, 'Garcia Meza was replaced a year later by Torrellio');
    expect(at('meza-sentence').anchor).toEqual({ status: 'moved', ...sentence });
    expect(at('meza-name').anchor).toEqual({ status: 'moved', start: sentence.start, end: sentence.start + 11 });
    // Not the other, correctly spelt "Garcia Meza" earlier in the introduction.
    expect(rangeOf(revised, 'Garcia Meza').start).toBeLessThan(sentence.start);
    // Right around the typo: the text itself is unchanged and in place.
    expect(at('after-meza').anchor).toEqual({
      status: 'anchored',
      ...rangeOf(revised, 'was replaced a year later by Torrellio'),
    });
    expect(at('meza-same-paragraph').anchor).toEqual({
      status: 'anchored',
      ...rangeOf(revised, 'he was displaced in his turn by General Guido Vildoso'),
    });

    // Each of the seven "the rosea" follows its own correction, never another occurrence.
    roseaIds.forEach((id, k) => {
      const a = byId.get(id)!;
      expect(a.anchor, `the rosea #${k}`).toEqual({ status: 'moved', ...rangeOf(revised, 'the rosca', k) });
    });
    expect(at('rosea-sentence').anchor).toEqual({
      status: 'moved',
      ...rangeOf(revised, '‘the rosca’ over Bolivia seemed secure and absolute'),
    });

    // The deleted paragraph: orphaned, never attached elsewhere (the same words still occur further on).
    expect(revised).toContain('the eastern lowlands');
    for (const name of ['deleted-long', 'deleted-short', 'deleted-word']) {
      expect(at(name).anchor, name).toEqual({ status: 'orphaned', start: null, end: null });
    }
    // The original selectors are kept.
    expect(at('deleted-long').target.selector.find((x) => x.type === 'TextQuoteSelector')?.exact).toBe(
      'the eastern lowlands constitute 70 per cent of the national territory',
    );

    // After the deleted paragraph: found, shifted.
    const after = rangeOf(revised, 'By 1960, over sixty US assistance projects were operating in Santa Cruz.');
    expect(after.start).toBeLessThan(rangeOf(s.text, 'By 1960, over sixty').start);
    expect(at('after-deleted').anchor).toEqual({ status: 'moved', ...after });
    expect(at('deleted-with-replies')).toMatchObject({
      deleted: true,
      anchor: { status: 'moved', ...rangeOf(revised, 'import mechanized agricultural equipment') },
    });

    // Reply citations follow too.
    const reply = at('meza-sentence').replies.find((r) => r.id === ids['citing-reply'])!;
    expect(reply.citations.map((c) => c.anchor)).toEqual([
      { status: 'moved', ...rangeOf(revised, 'the Santa Cruz–Yacuiba, Argentina railroad') },
      { status: 'anchored', ...rangeOf(revised, 'military coup led by Garcia Meza') },
    ]);

    // Private annotations are re-anchored as well; only their author sees them.
    const bobs = new Map((await listAll('bob')).map((a) => [a.id, a]));
    expect(bobs.get(ids['private-after']!)?.anchor).toEqual({
      status: 'moved',
      ...rangeOf(revised, 'the dynamo of the Bolivian economy'),
    });
    expect(bobs.get(ids['private-far']!)?.anchor).toEqual({ status: 'anchored', ...rangeOf(revised, 'Hernan Siles') });
    expect(byId.has(ids['private-after']!)).toBe(false);

    // Every anchored or moved annotation points at text that is really there.
    for (const a of bobs.values()) {
      if (a.anchor.status === 'anchored') {
        const exact = a.target.selector.find((x) => x.type === 'TextQuoteSelector')?.exact;
        expect(sliceCp(revised, a.anchor.start!, a.anchor.end!)).toBe(exact);
      }
    }

    // First `document.revised` for everyone, so that open readers load the new text before applying offsets into it;
    // then one `annotation.reanchored` event per annotation whose anchor changed, in one run of sequence numbers.
    const [first] = await sql<{ type: string; payload: unknown; audience: unknown }>(
      'SELECT type, payload, audience FROM document_events WHERE document_id = $1 AND seq = $2',
      [s.documentId, seqBefore + 1],
    );
    expect(first).toEqual({
      type: 'document.revised',
      payload: {
        revision: 2,
        note: 'Fix “Carcia Meza” and “the rosea”; drop a quoted paragraph',
        created: expect.any(String),
      },
      audience: {},
    });
    const events = await sql<{ seq: number; payload: { id: string; anchor: Anchor }; audience: { userId?: string } }>(
      `SELECT seq, payload, audience FROM document_events WHERE document_id = $1 AND type = 'annotation.reanchored' AND seq > $2 ORDER BY seq`,
      [s.documentId, seqBefore],
    );
    const changed = [
      'meza-sentence',
      'meza-name',
      'rosea-sentence',
      'deleted-long',
      'deleted-short',
      'deleted-word',
      'after-deleted',
      'private-after',
      'deleted-with-replies',
      'removed-after',
    ]
      .map((n) => ids[n]!)
      .concat(roseaIds);
    expect(events.map((e) => e.payload.id).sort()).toEqual([...changed].sort());
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => seqBefore + 2 + i));
    const privateEvent = events.find((e) => e.payload.id === ids['private-after'])!;
    expect(privateEvent.audience).toEqual({ userId: s.bob.id });
    expect(privateEvent.payload.anchor).toEqual({
      status: 'moved',
      ...rangeOf(revised, 'the dynamo of the Bolivian economy'),
    });
    expect(events.find((e) => e.payload.id === ids['removed-after'])?.audience).toEqual({ moderators: true });
    expect(byId.get(ids['removed-after']!)?.anchor).toEqual({
      status: 'moved',
      ...rangeOf(revised, 'the Santa Cruz–Corumba, Brazil, railroad'),
    });
    for (const e of events.filter(
      (x) => x.payload.id !== ids['private-after'] && x.payload.id !== ids['removed-after'],
    ))
      expect(e.audience).toEqual({});
    expect(events.find((e) => e.payload.id === ids['deleted-long'])?.payload.anchor).toEqual({
      status: 'orphaned',
      start: null,
      end: null,
    });
  });

  it('lists orphans on the document', async () => {
    const orphans = await listAll('alice', '?status=orphaned');
    expect(orphans.map((a) => a.id).sort()).toEqual(
      [ids['deleted-long'], ids['deleted-short'], ids['deleted-word']].sort(),
    );
    expect(orphans.every((a) => a.anchor.status === 'orphaned' && a.anchor.start === null)).toBe(true);
  });

  it('lists the revisions, newest first', async () => {
    const res = await s.bob.agent.get(`/api/documents/${s.documentId}/revisions`).expect(200);
    const items = (
      res.body as {
        items: {
          number: number;
          note: string | null;
          author: { id: string } | null;
          created: string;
          format: string;
        }[];
      }
    ).items;
    expect(items.map((r) => r.number)).toEqual([revisionNumber, 1]);
    expect(items[0]).toMatchObject({
      note: 'Fix “Carcia Meza” and “the rosea”; drop a quoted paragraph',
      author: { id: s.owner.id },
      format: 'text',
    });
    expect(items[1]?.note).toBeNull();
    expect(Number.isNaN(Date.parse(items[0]!.created))).toBe(false);
  });

  it('new annotations are made against the revised text', async () => {
    await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'the eastern lowlands constitute 70 per cent') })
      .expect(422);
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(revised, 'Garcia Meza was replaced') })
      .expect(201);
    expect((res.body as Annotation).anchor).toEqual({
      status: 'anchored',
      ...rangeOf(revised, 'Garcia Meza was replaced'),
    });
  });

  it('re-attaches an orphan to a new selection (the author or an instructor), validating it like a new annotation', async () => {
    const id = ids['deleted-long']!;
    const url = `/api/annotations/${id}/reattach`;
    const target = selectorsFor(revised, 'By the beginning of the 1970s Santa Cruz had become the dynamo');
    const versionBefore = (await sql<{ version: number }>('SELECT version FROM annotations WHERE id = $1', [id]))[0]!
      .version;

    await s.bob.agent.post(url).send({ target }).expect(403);
    await s.outsider.agent.post(url).send({ target }).expect(404);
    await t.http.post(url).send({ target }).expect(401);
    for (const body of [{}, { target: { selector: [] } }, { target, extra: 1 }, { target, version: 0 }]) {
      const res = await s.alice.agent.post(url).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // A quote from the old text (the deleted paragraph) is not in the current text.
    const gone = await s.alice.agent
      .post(url)
      .send({ target: selectorsFor(s.text, 'the eastern lowlands constitute 70 per cent') });
    expect(gone.status).toBe(422);
    expect(gone.headers['content-type']).toMatch(/problem\+json/);
    const wrongPlace = await s.alice.agent.post(url).send({
      target: {
        selector: [
          { type: 'TextPositionSelector', start: 10, end: 20 },
          { type: 'TextQuoteSelector', exact: 'no such words anywhere in it' },
        ],
      },
    });
    expect(wrongPlace.status).toBe(422);
    const stale = await s.alice.agent.post(url).send({ target, version: versionBefore + 5 });
    expect(stale.status).toBe(409);
    expect(
      (
        await sql<{ anchor_status: string; version: number }>(
          'SELECT anchor_status, version FROM annotations WHERE id = $1',
          [id],
        )
      )[0],
    ).toEqual({
      anchor_status: 'orphaned',
      version: versionBefore,
    });

    const seqBefore = (
      await sql<{ event_seq: number }>('SELECT event_seq FROM documents WHERE id = $1', [s.documentId])
    )[0]!.event_seq;
    const res = await s.alice.agent.post(url).send({ target, version: versionBefore }).expect(200);
    const a = res.body as Annotation & { text: string };
    const range = rangeOf(revised, 'By the beginning of the 1970s Santa Cruz had become the dynamo');
    expect(a).toMatchObject({
      id,
      version: versionBefore + 1,
      anchor: { status: 'anchored', ...range },
      text: 'deleted-long',
    });
    expect(a.target.selector).toEqual([
      { type: 'TextPositionSelector', ...range },
      expect.objectContaining({
        type: 'TextQuoteSelector',
        exact: 'By the beginning of the 1970s Santa Cruz had become the dynamo',
      }),
    ]);
    const stored = await sql<{ exact: string; revision: number; start: number }>(
      'SELECT exact, revision, start FROM annotations WHERE id = $1',
      [id],
    );
    expect(stored[0]).toEqual({
      exact: 'By the beginning of the 1970s Santa Cruz had become the dynamo',
      revision: revisionNumber,
      start: range.start,
    });
    const events = await sql<{ type: string; payload: { id: string; version: number } }>(
      'SELECT type, payload FROM document_events WHERE document_id = $1 AND seq > $2 ORDER BY seq',
      [s.documentId, seqBefore],
    );
    expect(events.map((e) => [e.type, e.payload.id, e.payload.version])).toEqual([
      ['annotation.updated', id, versionBefore + 1],
    ]);
    expect((await listAll('alice', '?status=orphaned')).map((x) => x.id)).not.toContain(id);

    // An instructor can re-attach a student's annotation; a student cannot re-attach someone else's.
    const other = ids['deleted-short']!;
    await s.alice.agent.post(`/api/annotations/${other}/reattach`).send({ target }).expect(403);
    const byOwner = await s.owner.agent
      .post(`/api/annotations/${other}/reattach`)
      .send({ target: selectorsFor(revised, 'the eastern lowlands') })
      .expect(200);
    expect((byOwner.body as Annotation).anchor).toEqual({
      status: 'anchored',
      ...rangeOf(revised, 'the eastern lowlands'),
    });
    // Nobody but the author can even see a private annotation, instructors included.
    await s.owner.agent.post(`/api/annotations/${ids['private-after']}/reattach`).send({ target }).expect(404);
  });

  it('keeps moving annotations through later revisions, and re-orphans nothing that is found', async () => {
    // Put a new paragraph at the start: everything shifts; moved annotations are found again, orphans stay orphans.
    const content = `A note from the editor, added in a later revision.\n\n${corrected(ESSAY)}`;
    const res = await s.owner.agent
      .post(`/api/documents/${s.documentId}/revisions`)
      .send({ content, format: 'text' })
      .expect(201);
    const body = res.body as { revision: number; text: string };
    expect(body.revision).toBe(revisionNumber + 1);
    const text = body.text;
    const byId = new Map((await listAll('bob')).map((a) => [a.id, a]));
    roseaIds.forEach((id, k) =>
      expect(byId.get(id)!.anchor, `the rosea #${k}`).toEqual({ status: 'moved', ...rangeOf(text, 'the rosca', k) }),
    );
    expect(byId.get(ids['far']!)!.anchor).toEqual({
      status: 'moved',
      ...rangeOf(text, 'the power of the working class'),
    });
    expect(byId.get(ids['deleted-word']!)!.anchor.status).toBe('orphaned');
    expect(byId.get(ids['private-after']!)!.anchor).toEqual({
      status: 'moved',
      ...rangeOf(text, 'the dynamo of the Bolivian economy'),
    });
  });
});

describe('writes racing a revision', () => {
  /**
   * Runs `requests` one after another while the document's row is held as a revision in progress holds it, each
   * only once the one before waits for it, then lets them all go: the revision among them commits first.
   */
  async function queuedBehindLock(
    documentId: string,
    requests: (() => supertest.Test)[],
  ): Promise<supertest.Response[]> {
    const blocker = new pg.Client({ connectionString: inject('databaseUrl') });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
      const pid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const responses: Promise<supertest.Response>[] = [];
      for (const request of requests) {
        responses.push(request().then((res) => res));
        await waitingBehind(pid, responses.length);
      }
      await blocker.query('COMMIT');
      return await Promise.all(responses);
    } finally {
      await blocker.end();
    }
  }

  /** Waits until `n` database sessions wait, directly or in line, for the one with `pid`. */
  async function waitingBehind(pid: number, n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = await sql<{ n: number }>(
        `WITH RECURSIVE w(pid) AS (
           SELECT $1::int UNION SELECT a.pid FROM pg_stat_activity a, w WHERE w.pid = ANY (pg_blocking_pids(a.pid)))
         SELECT (count(*) - 1)::int AS n FROM w`,
        [pid],
      );
      if (rows[0]!.n >= n) return;
      if (Date.now() > deadline) throw new Error(`${n} requests did not come to wait for the document`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('refuses (409) an annotation or citation located in the text a revision replaced meanwhile, storing nothing', async () => {
    const r = await seminar(t);
    const quote = 'the power of the working class';
    const revise = (content: string) => () =>
      r.owner.agent.post(`/api/documents/${r.documentId}/revisions`).send({ content, format: 'text' });

    // Both were located in revision 1; the revision commits first and moves every passage.
    const first = `A note from the editor.\n\n${ESSAY}`;
    const [revised, annotation] = await queuedBehindLock(r.documentId, [
      revise(first),
      () =>
        r.alice.agent
          .post(`/api/documents/${r.documentId}/annotations`)
          .send({ target: selectorsFor(r.text, quote), text: 'raced' }),
    ]);
    expect(revised!.status).toBe(201);
    const text2 = (revised!.body as { text: string }).text;
    expect(annotation!.status).toBe(409);
    expect(annotation!.headers['content-type']).toMatch(/problem\+json/);
    expect(annotation!.body).toMatchObject({ type: 'urn:scholia:problem:document-revised', status: 409 });
    expect(await count('annotations', 'document_id = $1', [r.documentId])).toBe(0);

    // Made again in the text as it now is, it is stored against the new revision.
    const made = await r.alice.agent
      .post(`/api/documents/${r.documentId}/annotations`)
      .send({ target: selectorsFor(text2, quote), text: 'again' })
      .expect(201);
    const id = (made.body as Annotation).id;
    expect((made.body as Annotation).anchor).toEqual({ status: 'anchored', ...rangeOf(text2, quote) });
    expect(await sql('SELECT revision FROM annotations WHERE id = $1', [id])).toEqual([{ revision: 2 }]);

    // A reply citing a passage of revision 2 while revision 3 is written; and two revisions at once are numbered
    // one after the other.
    const [third, reply, fourth] = await queuedBehindLock(r.documentId, [
      revise(`Another note.\n\n${first}`),
      () =>
        r.bob.agent
          .post(`/api/annotations/${id}/replies`)
          .send({ text: 'see also', citations: [selectorsFor(text2, 'Carcia Meza was replaced')] }),
      revise(`A third note.\n\n${first}`),
    ]);
    expect(third!.status).toBe(201);
    expect((third!.body as { revision: number }).revision).toBe(3);
    expect(fourth!.status).toBe(201);
    expect((fourth!.body as { revision: number }).revision).toBe(4);
    expect(reply!.status).toBe(409);
    expect(reply!.body).toMatchObject({ type: 'urn:scholia:problem:document-revised' });
    expect(await count('replies', 'annotation_id = $1', [id])).toBe(0);
  });
});
