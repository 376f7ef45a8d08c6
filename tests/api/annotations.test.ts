import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xssPayloads } from '@scholia/documents';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeDb, count } from '../support/db.js';
import { seminar, selectorsFor, type Seminar } from '../support/fixtures.js';

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

const QUOTE = 'the power of the working class';

describe('annotations', () => {
  it('creates an annotation anchored at the quoted words, with the documented shape', async () => {
    const target = selectorsFor(s.text, QUOTE);
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target, text: 'Is this **the** key claim?', tags: ['class', 'power'] })
      .expect(201);
    const a = res.body as Record<string, any>;
    expect(a).toMatchObject({
      documentId: s.documentId,
      text: 'Is this **the** key claim?',
      tags: ['class', 'power'],
      visibility: 'group',
      author: { id: s.alice.id, displayName: s.alice.displayName },
      anchor: { status: 'anchored' },
      version: 1,
      replies: [],
    });
    expect(a.html).toContain('<strong>the</strong>');
    expect([...s.text].slice(a.anchor.start, a.anchor.end).join('')).toBe(QUOTE);
    expect(typeof a.created).toBe('string');
  });

  it('counts positions in code points, not UTF-16 units', async () => {
    const owner = s.owner;
    const content = 'Emoji 🎉🎉 first.\n\nThen the naïve café ✊🏽 passage here.';
    const doc = await owner.agent
      .post(`/api/groups/${s.slug}/documents`)
      .send({ title: 'Unicode', format: 'text', content })
      .expect(201);
    const { id, text } = doc.body as { id: string; text: string };
    const target = selectorsFor(text, 'café ✊🏽 passage');
    const res = await s.alice.agent.post(`/api/documents/${id}/annotations`).send({ target }).expect(201);
    const a = res.body as { anchor: { start: number; end: number } };
    expect([...text].slice(a.anchor.start, a.anchor.end).join('')).toBe('café ✊🏽 passage');
    expect(a.anchor.start).toBeLessThan(text.indexOf('café'));
  });

  it('refuses a selection that is not in the text with 422 and stores nothing', async () => {
    const before = await count('annotations', 'document_id = $1', [s.documentId]);
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: { selector: [{ type: 'TextQuoteSelector', exact: 'words that the essay never uses at all' }] } });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await count('annotations', 'document_id = $1', [s.documentId])).toBe(before);
  });

  it('answers bad bodies with 400 problem+json and stores nothing', async () => {
    const before = await count('annotations', 'document_id = $1', [s.documentId]);
    for (const body of [
      {},
      { target: { selector: [] } },
      { target: selectorsFor(s.text, QUOTE), visibility: 'everyone' },
      { target: selectorsFor(s.text, QUOTE), surprise: 1 },
      { target: { selector: [{ type: 'TextPositionSelector', start: 10, end: 5 }] } },
    ]) {
      const res = await s.alice.agent.post(`/api/documents/${s.documentId}/annotations`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await count('annotations', 'document_id = $1', [s.documentId])).toBe(before);
  });

  it('keeps a private annotation from everyone else (404 and absent from lists)', async () => {
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({
        target: selectorsFor(s.text, 'petty-bourgeois nationalists'),
        text: 'my private thought',
        visibility: 'private',
      })
      .expect(201);
    const id = (res.body as { id: string }).id;
    const mine = await s.alice.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
    expect((mine.body as { items: { id: string }[] }).items.map((a) => a.id)).toContain(id);
    for (const other of [s.bob, s.owner]) {
      const list = await other.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
      expect((list.body as { items: { id: string }[] }).items.map((a) => a.id)).not.toContain(id);
      await other.agent.post(`/api/annotations/${id}/replies`).send({ text: 'peek' }).expect(404);
      await other.agent.patch(`/api/annotations/${id}`).send({ version: 1, text: 'x' }).expect(404);
      await other.agent.delete(`/api/annotations/${id}`).expect(404);
    }
  });

  it('lets only the author edit, and refuses a stale version with 409', async () => {
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'the military'), text: 'v1' })
      .expect(201);
    const id = (res.body as { id: string }).id;
    await s.bob.agent.patch(`/api/annotations/${id}`).send({ version: 1, text: 'hijack' }).expect(403);
    const ok = await s.alice.agent
      .patch(`/api/annotations/${id}`)
      .send({ version: 1, text: 'v2', tags: ['army'] })
      .expect(200);
    expect(ok.body).toMatchObject({ text: 'v2', tags: ['army'], version: 2 });
    const stale = await s.alice.agent.patch(`/api/annotations/${id}`).send({ version: 1, text: 'v3 from an old tab' });
    expect(stale.status).toBe(409);
    expect((stale.body as { type: string }).type).toBe('urn:scholia:problem:stale-version');
    const list = await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
    expect((list.body as { items: { id: string; text: string }[] }).items.find((a) => a.id === id)?.text).toBe('v2');
  });

  it('threads replies to any depth with moves, and shows a deleted annotation with replies as deleted', async () => {
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'COB'), text: 'root' })
      .expect(201);
    const id = (res.body as { id: string }).id;
    const r1 = await s.bob.agent
      .post(`/api/annotations/${id}/replies`)
      .send({ text: 'I disagree', move: 'rebut' })
      .expect(201);
    const r1id = (r1.body as { id: string }).id;
    expect(r1.body).toMatchObject({ annotationId: id, parentId: null, move: 'rebut', text: 'I disagree' });
    const r2 = await s.alice.agent
      .post(`/api/annotations/${id}/replies`)
      .send({ text: 'Source?', move: 'source-request', parentId: r1id })
      .expect(201);
    const r3 = await s.bob.agent
      .post(`/api/annotations/${id}/replies`)
      .send({
        text: 'Here',
        move: 'support',
        parentId: (r2.body as { id: string }).id,
        citations: [selectorsFor(s.text, 'Dual Power')],
      })
      .expect(201);
    expect((r3.body as { citations: unknown[] }).citations).toHaveLength(1);
    await s.bob.agent.post(`/api/annotations/${id}/replies`).send({ text: 'x', move: 'shout' }).expect(400);
    await s.bob.agent
      .post(`/api/annotations/${id}/replies`)
      .send({ text: 'x', parentId: '00000000-0000-7000-8000-000000000000' })
      .expect(422);
    await s.alice.agent.delete(`/api/annotations/${id}`).expect(204);
    const list = await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
    const a = (
      list.body as { items: { id: string; deleted: boolean; text: string; author: unknown; replies: unknown[] }[] }
    ).items.find((x) => x.id === id)!;
    expect(a).toMatchObject({ deleted: true, text: '', author: null });
    expect(a.replies).toHaveLength(3);
  });

  it('filters by tag, author, status and full-text search', async () => {
    await s.bob.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'Klaus Altmann'), text: 'The Gestapo torturer turns up', tags: ['nazis'] })
      .expect(201);
    const byTag = await s.alice.agent.get(`/api/documents/${s.documentId}/annotations?tag=nazis`).expect(200);
    expect((byTag.body as { items: unknown[] }).items).toHaveLength(1);
    const byAuthor = await s.alice.agent
      .get(`/api/documents/${s.documentId}/annotations?author=${s.bob.handle}`)
      .expect(200);
    expect(
      (byAuthor.body as { items: { author: { id: string } }[] }).items.every((a) => a.author.id === s.bob.id),
    ).toBe(true);
    const search = await s.alice.agent.get(`/api/documents/${s.documentId}/annotations?q=torturers`).expect(200);
    expect((search.body as { items: { text: string }[] }).items.map((a) => a.text)).toEqual([
      'The Gestapo torturer turns up',
    ]);
    await s.alice.agent.get(`/api/documents/${s.documentId}/annotations?status=lost`).expect(400);
  });

  it('hides the document and its annotations from outsiders with 404', async () => {
    await s.outsider.agent.get(`/api/documents/${s.documentId}`).expect(404);
    await s.outsider.agent.get(`/api/documents/${s.documentId}/annotations`).expect(404);
    await s.outsider.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, QUOTE) })
      .expect(404);
    await t.http.get(`/api/documents/${s.documentId}/annotations`).expect(401);
  });

  it('renders every XSS payload harmless in notes and replies', async () => {
    const res = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'Siles'), text: 'xss' })
      .expect(201);
    const id = (res.body as { id: string }).id;
    for (const payload of xssPayloads) {
      const r = await s.bob.agent.post(`/api/annotations/${id}/replies`).send({ text: payload });
      if (payload.includes('\u0000')) {
        expect(r.status, 'NUL is refused, not stored').toBe(400);
        continue;
      }
      expect(r.status, payload).toBe(201);
      const tags = (r.body as { html: string }).html.match(/<[^>]*>/g) ?? [];
      for (const tag of tags) {
        expect(tag, payload).not.toMatch(
          /^<\/?(script|iframe|object|embed|svg|math|img|style|form|input|base|meta|link)\b/i,
        );
        expect(tag, payload).not.toMatch(/\son[a-z]+\s*=/i);
        expect(tag, payload).not.toMatch(/(href|src|action)\s*=\s*["']?\s*(javascript|vbscript|data):/i);
      }
    }
  }, 120_000);
});
