import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_CSV_COLUMNS } from '@scholia/shared';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../support/app.js';
import { closeDb, sql } from '../support/db.js';
import { seminar, selectorsFor, type Member, type Seminar } from '../support/fixtures.js';
import { W3C_SUITE_DIR, w3cAssertionCount, w3cExportFailures, w3cFailures, w3cSample } from '../support/w3c.js';

type Json = Record<string, any>;

let t: TestApp;
let s: Seminar;
const ids: Record<string, string> = {};
let unicodeDoc: { id: string; text: string };

const exportUrl = (documentId: string, query = 'format=jsonld') => `/api/documents/${documentId}/export?${query}`;
const annotationIri = (id: string) => `${TEST_ORIGIN}/api/annotations/${id}`;
const replyIri = (id: string) => `${TEST_ORIGIN}/api/replies/${id}`;

async function annotate(
  m: Member,
  quote: string,
  extra: Json = {},
  documentId = s.documentId,
  text = s.text,
): Promise<string> {
  const res = await m.agent
    .post(`/api/documents/${documentId}/annotations`)
    .send({ target: selectorsFor(text, quote), ...extra })
    .expect(201);
  return (res.body as { id: string }).id;
}

async function reply(m: Member, annotationId: string, body: Json): Promise<string> {
  const res = await m.agent.post(`/api/annotations/${annotationId}/replies`).send(body).expect(201);
  return (res.body as { id: string }).id;
}

async function exportFor(m: Member, documentId = s.documentId, query = 'format=jsonld'): Promise<Json> {
  const res = await m.agent.get(exportUrl(documentId, query)).expect(200);
  expect(res.headers['content-type']).toBe('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"');
  return JSON.parse(res.text) as Json;
}

const itemsOf = (doc: Json): Json[] => (doc.type === 'AnnotationCollection' ? doc.first.items : doc.items) as Json[];
const find = (doc: Json, iri: string): Json | undefined => itemsOf(doc).find((i) => i.id === iri);

function expectW3cValid(doc: Json): void {
  const failures = w3cExportFailures(doc);
  expect(
    failures.map((f) => `${f.where}: ${f.failure.assertion}: ${f.failure.message} ${f.failure.errors.join('; ')}`),
  ).toEqual([]);
}

/** RFC 4180 parsing, strict about quotes, for reading the CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        cell += ch;
        i += 1;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (ch === '"' || ch === '\n' || ch === '\r') {
      throw new Error(`Bad CSV at ${i}: ${JSON.stringify(text.slice(i - 20, i + 20))}`);
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (cell !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

beforeAll(async () => {
  t = await createTestApp({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
  s = await seminar(t);
  ids.note = await annotate(s.alice, 'the power of the working class', {
    text: 'Is this **the** key claim?',
    tags: ['class', 'power'],
  });
  ids.highlight = await annotate(s.alice, 'permanent revolution');
  ids.private = await annotate(s.alice, 'petty bourgeoisie', { text: 'My private doubt', visibility: 'private' });
  ids.hidden = await annotate(s.bob, 'Trotskyist', { text: 'Rude words about Trotskyists', tags: ['rude'] });
  ids.pending = await annotate(s.bob, 'Bolivia', { text: 'Awaiting approval' });
  ids.formula = await annotate(s.bob, 'revolution', {
    text: '=HYPERLINK("http://evil.example","click"), then "quotes",\nand a new line',
    tags: ['+tag', '@me'],
  });
  ids.deletedWithReplies = await annotate(s.alice, 'the working class', { text: 'I will delete this' });
  ids.deletedAlone = await annotate(s.alice, 'working class', { text: 'Gone without a trace' });

  ids.bobReply = await reply(s.bob, ids.note, { text: 'I disagree: the *party* failed.', move: 'rebut' });
  ids.aliceReply = await reply(s.alice, ids.note, {
    text: 'Why do you say so?',
    move: 'question',
    parentId: ids.bobReply,
  });
  ids.ownerReply = await reply(s.owner, ids.note, {
    text: 'See also this passage.',
    citations: [selectorsFor(s.text, 'petty bourgeoisie')],
  });
  ids.orphanedReply = await reply(s.bob, ids.deletedWithReplies, { text: 'A reply that outlives its annotation' });
  ids.deletedReply = await reply(s.bob, ids.note, { text: 'Deleted reply without children' });

  await s.alice.agent.delete(`/api/annotations/${ids.deletedWithReplies}`).expect(204);
  await s.alice.agent.delete(`/api/annotations/${ids.deletedAlone}`).expect(204);
  await sql(`UPDATE replies SET deleted_at = now(), text = '', html = '' WHERE id = $1`, [ids.deletedReply]);
  await sql(`UPDATE annotations SET hidden_at = now(), hidden_reason = 'Off topic' WHERE id = $1`, [ids.hidden]);
  await sql(`UPDATE annotations SET review = 'pending' WHERE id = $1`, [ids.pending]);

  const content = 'Emoji 🎉🎉 first.\n\nThen the naïve café ✊🏽 passage here, and עברית text.';
  const doc = await s.owner.agent
    .post(`/api/groups/${s.slug}/documents`)
    .send({ title: 'Unicode', format: 'text', content })
    .expect(201);
  unicodeDoc = doc.body as { id: string; text: string };
  ids.unicode = await annotate(s.alice, 'café ✊🏽 passage', { text: 'Ünïcödé ✊🏽' }, unicodeDoc.id, unicodeDoc.text);
  ids.rtl = await annotate(s.bob, 'עברית', {}, unicodeDoc.id, unicodeDoc.text);
});

afterAll(async () => {
  await t?.close();
  await closeDb();
});

describe('the W3C validator itself', () => {
  it('reads every MUST assertion of the suite', () => {
    expect(w3cAssertionCount('annotation')).toBeGreaterThanOrEqual(50);
    expect(w3cAssertionCount('collection')).toBe(10);
    expect(w3cAssertionCount('page')).toBe(15);
  });

  it("passes the suite's correct samples", () => {
    const dir = path.join(W3C_SUITE_DIR, 'samples', 'correct');
    // anno11-13 use targets the final model dropped (see the suite's README).
    const annotations = readdirSync(dir).filter((f) => /^anno\d/.test(f) && !/^anno1[123]\.json$/.test(f));
    expect(annotations.length).toBeGreaterThan(30);
    for (const f of annotations)
      expect(w3cFailures('annotation', JSON.parse(readFileSync(path.join(dir, f), 'utf8'))), f).toEqual([]);
    const collection = JSON.parse(readFileSync(w3cSample('correct', 'collection1.json'), 'utf8'));
    expect(w3cFailures('collection', collection)).toEqual([]);
    expect(w3cFailures('page', collection)).toEqual([]);
  });

  it("fails the suite's incorrect samples, and documents that break a MUST", () => {
    const dir = path.join(W3C_SUITE_DIR, 'samples', 'incorrect');
    let checked = 0;
    for (const f of readdirSync(dir)) {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      } catch {
        continue; // some incorrect samples are not even JSON
      }
      checked += 1;
      expect(w3cFailures('annotation', doc).length, f).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(10);
    const good = {
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      id: 'http://example.org/a1',
      type: 'Annotation',
      target: 'http://example.org/t',
    };
    expect(w3cFailures('annotation', good)).toEqual([]);
    expect(w3cFailures('annotation', { ...good, created: 'yesterday' }).map((f) => f.assertion)).toContain(
      'annotations/3.3.1-annotationCreatedValidated.json',
    );
    expect(w3cFailures('annotation', { ...good, body: 'x', bodyValue: 'y' }).map((f) => f.assertion)).toContain(
      'annotations/3.2.5-notBodyBodyValue.json',
    );
    const { target: _t, ...noTarget } = good;
    expect(w3cFailures('annotation', noTarget).length).toBeGreaterThan(0);
    const collection = {
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      id: 'http://example.org/c',
      type: 'AnnotationCollection',
      total: 3,
    };
    expect(w3cFailures('collection', collection).map((f) => f.assertion)).toContain(
      'collections/5.1-collectionFirstValidated.json',
    );
    expect(
      w3cExportFailures({
        ...collection,
        first: { id: 'http://example.org/p1', type: 'AnnotationPage', items: [{ ...good, id: 'not an iri' }] },
      }).length,
    ).toBeGreaterThan(0);
  });
});

describe('GET /api/documents/:id/export?format=jsonld', () => {
  it('answers a W3C AnnotationCollection that passes every MUST assertion, for every kind of member', async () => {
    for (const m of [s.alice, s.bob, s.owner]) {
      const doc = await exportFor(m);
      expect(doc).toMatchObject({
        '@context': 'http://www.w3.org/ns/anno.jsonld',
        id: `${TEST_ORIGIN}/api/documents/${s.documentId}/export?format=jsonld`,
        type: 'AnnotationCollection',
        first: { type: 'AnnotationPage', startIndex: 0 },
      });
      expect(doc.total).toBe(itemsOf(doc).length);
      expectW3cValid(doc);
    }
  });

  it('defaults to JSON-LD without a format', async () => {
    const res = await s.alice.agent.get(`/api/documents/${s.documentId}/export`).expect(200);
    expect(res.headers['content-type']).toMatch(
      /^application\/ld\+json; profile="http:\/\/www\.w3\.org\/ns\/anno\.jsonld"/,
    );
    expect(JSON.parse(res.text).type).toBe('AnnotationCollection');
  });

  it('exports an annotation with its note, tags, creator, dates and both selectors as stored', async () => {
    const doc = await exportFor(s.bob);
    const a = find(doc, annotationIri(ids.note!))!;
    expect(a).toMatchObject({
      type: 'Annotation',
      motivation: 'commenting',
      creator: {
        id: `${TEST_ORIGIN}/users/${s.alice.id}`,
        type: 'Person',
        name: s.alice.displayName,
        nickname: s.alice.handle,
      },
      body: [
        { type: 'TextualBody', value: 'Is this **the** key claim?', format: 'text/markdown', purpose: 'commenting' },
        { type: 'TextualBody', value: 'class', purpose: 'tagging' },
        { type: 'TextualBody', value: 'power', purpose: 'tagging' },
      ],
      target: {
        source: `${TEST_ORIGIN}/groups/${s.slug}/documents/${s.documentId}`,
        selector: selectorsFor(s.text, 'the power of the working class').selector,
      },
    });
    expect(new Date(a.created as string).toISOString()).toBe(a.created);
    expect(typeof a.modified).toBe('string');
    const highlight = find(doc, annotationIri(ids.highlight!))!;
    expect(highlight.motivation).toBe('highlighting');
    expect(highlight.body).toBeUndefined();
  });

  it('exports replies as Annotations replying to what they answer', async () => {
    const doc = await exportFor(s.alice);
    expect(find(doc, replyIri(ids.bobReply!))).toMatchObject({
      type: 'Annotation',
      motivation: 'replying',
      target: annotationIri(ids.note!),
      creator: { nickname: s.bob.handle },
      body: [
        { type: 'TextualBody', value: 'I disagree: the *party* failed.', format: 'text/markdown', purpose: 'replying' },
        { type: 'TextualBody', value: 'rebut', purpose: 'classifying' },
      ],
    });
    expect(find(doc, replyIri(ids.aliceReply!))!.target).toBe(replyIri(ids.bobReply!));
    const cited = find(doc, replyIri(ids.ownerReply!))!;
    expect(cited.target).toEqual([
      annotationIri(ids.note!),
      {
        type: 'SpecificResource',
        source: `${TEST_ORIGIN}/groups/${s.slug}/documents/${s.documentId}`,
        selector: selectorsFor(s.text, 'petty bourgeoisie').selector,
      },
    ]);
    // Each annotation comes before its thread.
    const order = itemsOf(doc).map((i) => i.id);
    expect(order.indexOf(annotationIri(ids.note!))).toBeLessThan(order.indexOf(replyIri(ids.bobReply!)));
    expect(order.indexOf(replyIri(ids.bobReply!))).toBeLessThan(order.indexOf(replyIri(ids.aliceReply!)));
  });

  it('exports private annotations only to their author', async () => {
    expect(find(await exportFor(s.alice), annotationIri(ids.private!))).toMatchObject({
      body: { value: 'My private doubt' },
    });
    for (const m of [s.bob, s.owner]) {
      const doc = await exportFor(m);
      expect(find(doc, annotationIri(ids.private!))).toBeUndefined();
      expect(JSON.stringify(doc)).not.toContain('My private doubt');
    }
  });

  it('exports a hidden annotation as a placeholder except to its author and instructors', async () => {
    const bobsOwn = find(await exportFor(s.bob), annotationIri(ids.hidden!))!;
    expect(bobsOwn.body[0].value).toBe('Rude words about Trotskyists');
    expect(find(await exportFor(s.owner), annotationIri(ids.hidden!))!.body[0].value).toBe(
      'Rude words about Trotskyists',
    );
    const doc = await exportFor(s.alice);
    const placeholder = find(doc, annotationIri(ids.hidden!))!;
    expect(placeholder.body).toEqual({
      type: 'TextualBody',
      value: 'Hidden by a moderator',
      format: 'text/plain',
      purpose: 'commenting',
    });
    expect(JSON.stringify(doc)).not.toContain('Rude words');
    expect(JSON.stringify(doc)).not.toContain('"rude"');
  });

  it('exports pending items only to their author and instructors', async () => {
    expect(find(await exportFor(s.alice), annotationIri(ids.pending!))).toBeUndefined();
    expect(find(await exportFor(s.bob), annotationIri(ids.pending!))).toBeDefined();
    expect(find(await exportFor(s.owner), annotationIri(ids.pending!))).toBeDefined();
  });

  it('leaves deleted items out, or keeps a bodiless placeholder when replies hang under them', async () => {
    const doc = await exportFor(s.bob);
    expect(find(doc, annotationIri(ids.deletedAlone!))).toBeUndefined();
    expect(find(doc, replyIri(ids.deletedReply!))).toBeUndefined();
    const placeholder = find(doc, annotationIri(ids.deletedWithReplies!))!;
    expect(placeholder).toBeDefined();
    expect(placeholder.body).toBeUndefined();
    expect(placeholder.creator).toBeUndefined();
    expect(placeholder.target.selector).toHaveLength(2);
    expect(find(doc, replyIri(ids.orphanedReply!))!.target).toBe(annotationIri(ids.deletedWithReplies!));
    expect(JSON.stringify(doc)).not.toContain('I will delete this');
    expectW3cValid(doc);
  });

  it('counts selector positions in Unicode code points', async () => {
    const doc = await exportFor(s.alice, unicodeDoc.id);
    expectW3cValid(doc);
    const points = [...unicodeDoc.text];
    for (const [iri, quote] of [
      [annotationIri(ids.unicode!), 'café ✊🏽 passage'],
      [annotationIri(ids.rtl!), 'עברית'],
    ] as const) {
      const a = find(doc, iri)!;
      const [pos, q] = a.target.selector as Json[];
      expect(pos!.type).toBe('TextPositionSelector');
      expect(q).toMatchObject({ type: 'TextQuoteSelector', exact: quote });
      expect(points.slice(pos!.start, pos!.end).join('')).toBe(quote);
    }
    expect(find(doc, annotationIri(ids.unicode!))!.target.selector[0].start).toBeLessThan(
      unicodeDoc.text.indexOf('café'),
    );
  });

  it('pages long exports: embedded first page, next/prev, partOf with total, startIndex', async () => {
    const whole = await exportFor(s.owner);
    const total = whole.total as number;
    expect(total).toBeGreaterThan(5);
    const doc = await exportFor(s.owner, s.documentId, 'format=jsonld&perPage=2');
    expectW3cValid(doc);
    expect(doc.total).toBe(total);
    expect(doc.first.items).toHaveLength(2);
    expect(doc.last).toBe(`${doc.id}&page=${Math.ceil(total / 2)}&perPage=2`);
    const seen: string[] = doc.first.items.map((i: Json) => i.id);
    let next: string | undefined = doc.first.next;
    let n = 1;
    while (next) {
      n += 1;
      expect(next.startsWith(TEST_ORIGIN)).toBe(true);
      const page = await exportFor(s.owner, s.documentId, new URL(next).search.slice(1));
      expectW3cValid(page);
      expect(page).toMatchObject({
        '@context': 'http://www.w3.org/ns/anno.jsonld',
        id: next,
        type: 'AnnotationPage',
        startIndex: (n - 1) * 2,
        partOf: { id: doc.id, type: 'AnnotationCollection', total },
      });
      expect(page.prev).toBeDefined();
      seen.push(...page.items.map((i: Json) => i.id));
      next = page.next;
    }
    expect(seen).toEqual(itemsOf(whole).map((i) => i.id));
    await s.owner.agent.get(exportUrl(s.documentId, `format=jsonld&perPage=2&page=${n + 1}`)).expect(404);
  });

  it('refuses bad parameters with 400 problem+json', async () => {
    for (const q of ['format=xml', 'format=', 'page=0', 'page=abc', 'perPage=100000', 'surprise=1']) {
      const res = await s.alice.agent.get(exportUrl(s.documentId, q));
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it('is 401 without a session and 404 to outsiders and for unknown documents', async () => {
    await t.http.get(exportUrl(s.documentId)).expect(401);
    const outsider = await s.outsider.agent.get(exportUrl(s.documentId));
    expect(outsider.status).toBe(404);
    expect(outsider.headers['content-type']).toMatch(/problem\+json/);
    await s.alice.agent.get(exportUrl('00000000-0000-4000-8000-000000000000')).expect(404);
  });
});

describe('GET /api/documents/:id/export?format=csv', () => {
  async function csvFor(m: Member): Promise<{ header: string[]; rows: Record<string, string>[] }> {
    const res = await m.agent.get(exportUrl(s.documentId, 'format=csv')).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"/);
    const [header, ...lines] = parseCsv(res.text);
    for (const line of lines) expect(line).toHaveLength(header!.length);
    return { header: header!, rows: lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i]!]))) };
  }

  it('has a header row and one row per exported annotation and reply, with the same visibility as JSON-LD', async () => {
    for (const m of [s.alice, s.bob, s.owner]) {
      const { header, rows } = await csvFor(m);
      expect(header).toEqual([...EXPORT_CSV_COLUMNS]);
      const ld = itemsOf(await exportFor(m)).map((i) => i.id.split('/').pop());
      expect(rows.map((r) => r.id)).toEqual(ld);
    }
    const bob = await csvFor(s.bob);
    expect(bob.rows.find((r) => r.id === ids.private)).toBeUndefined();
    const alice = await csvFor(s.alice);
    expect(alice.rows.find((r) => r.id === ids.pending)).toBeUndefined();
    expect(alice.rows.find((r) => r.id === ids.hidden)).toMatchObject({
      text: 'Hidden by a moderator',
      tags: '',
      moderation: 'hidden',
    });
    expect(alice.rows.find((r) => r.id === ids.deletedWithReplies)).toMatchObject({
      text: '',
      author: '',
      moderation: 'deleted',
    });
  });

  it('fills the columns for annotations and replies', async () => {
    const { rows } = await csvFor(s.owner);
    const note = rows.find((r) => r.id === ids.note)!;
    const points = [...s.text];
    expect(note).toMatchObject({
      type: 'annotation',
      parent_id: '',
      author: s.alice.displayName,
      author_handle: s.alice.handle,
      quote: 'the power of the working class',
      anchor_status: 'anchored',
      tags: 'class; power',
      visibility: 'group',
      move: '',
      text: 'Is this **the** key claim?',
    });
    expect(points.slice(Number(note.start), Number(note.end)).join('')).toBe('the power of the working class');
    expect(rows.find((r) => r.id === ids.bobReply)).toMatchObject({
      type: 'reply',
      parent_id: ids.note,
      move: 'rebut',
      author: s.bob.displayName,
    });
    expect(rows.find((r) => r.id === ids.aliceReply)).toMatchObject({
      type: 'reply',
      parent_id: ids.bobReply,
      move: 'question',
    });
    expect(rows.find((r) => r.id === ids.pending)!.moderation).toBe('pending');
  });

  it('quotes as RFC 4180 says and defuses spreadsheet formulas', async () => {
    const res = await s.owner.agent.get(exportUrl(s.documentId, 'format=csv')).expect(200);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), then ""quotes"",\nand a new line"`);
    const row = (await csvFor(s.owner)).rows.find((r) => r.id === ids.formula)!;
    expect(row.text?.startsWith("'=")).toBe(true);
    expect(row.tags).toBe("'+tag; @me");
    expect(res.text.endsWith('\r\n')).toBe(true);
  });

  it('is 404 to outsiders', async () => {
    await s.outsider.agent.get(exportUrl(s.documentId, 'format=csv')).expect(404);
  });
});
