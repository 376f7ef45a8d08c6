import type {
  AnnotationDto,
  AnnotationList,
  AuditEntry,
  AuditList,
  FlagQueue,
  PendingList,
  ReplyDto,
} from '@scholia/shared';
import { describe, expect, it } from 'vitest';
import { count, sql } from '../support/db.js';
import { type Member, seminar, selectorsFor } from '../support/fixtures.js';
import { type ApiServer, cookieOf, type Seminar, useLiveSeminar } from '../realtime/helpers.js';

let t: ApiServer;
let s: Seminar;
const clients = useLiveSeminar((started, seeded) => ((t = started), (s = seeded)));

interface Problem {
  type: string;
  status: number;
  errors?: { path: string }[];
}

const QUOTES = [
  'the power of the working class',
  'petty-bourgeois nationalists',
  'the military',
  'COB',
  'Siles',
  'Dual Power',
  'Klaus Altmann',
];
let quote = 0;

async function annotate(by: Member, text: string, slugDoc = s.documentId): Promise<AnnotationDto> {
  const q = QUOTES[quote++ % QUOTES.length]!;
  const res = await by.agent
    .post(`/api/documents/${slugDoc}/annotations`)
    .send({ target: selectorsFor(s.text, q), text })
    .expect(201);
  return res.body as AnnotationDto;
}

async function reply(by: Member, annotationId: string, text: string): Promise<ReplyDto> {
  return (await by.agent.post(`/api/annotations/${annotationId}/replies`).send({ text }).expect(201)).body as ReplyDto;
}

async function seen(by: Member, id: string): Promise<AnnotationDto | undefined> {
  const res = await by.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
  return (res.body as AnnotationList).items.find((a) => a.id === id);
}

const moderate = (by: Member, body: Record<string, unknown>, slug = s.slug) =>
  by.agent.post(`/api/groups/${slug}/moderation`).send(body);

async function act(body: Record<string, unknown>): Promise<AuditEntry> {
  const res = await moderate(s.owner, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as AuditEntry;
}

describe('flags', () => {
  it('lets a member flag an item once (409 the second time); outsiders get 404', async () => {
    const a = await annotate(s.alice, 'A dubious claim about the tin barons');
    const r = await reply(s.alice, a.id, 'And another one');
    const first = await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Off topic' }).expect(201);
    expect(first.body).toMatchObject({ targetType: 'annotation', targetId: a.id, reason: 'Off topic' });
    const again = await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Still off topic' });
    expect(again.status).toBe(409);
    expect((again.body as Problem).type).toBe('urn:scholia:problem:already-flagged');
    await s.owner.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Also off topic' }).expect(201);
    await s.bob.agent.post(`/api/replies/${r.id}/flags`).send({ reason: 'Rude' }).expect(201);
    await s.bob.agent.post(`/api/replies/${r.id}/flags`).send({ reason: 'Rude' }).expect(409);

    await s.outsider.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'x' }).expect(404);
    await s.outsider.agent.post(`/api/replies/${r.id}/flags`).send({ reason: 'x' }).expect(404);
    await s.bob.agent
      .post(`/api/annotations/00000000-0000-7000-8000-000000000000/flags`)
      .send({ reason: 'x' })
      .expect(404);
    await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: '' }).expect(400);
    await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({}).expect(400);
    const mine = await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({ target: selectorsFor(s.text, 'COB'), text: 'private', visibility: 'private' })
      .expect(201);
    await s.bob.agent
      .post(`/api/annotations/${(mine.body as AnnotationDto).id}/flags`)
      .send({ reason: 'peek' })
      .expect(404);
  });

  it('queues open flags by item for instructors, with excerpt, reporters, reasons and count', async () => {
    const a = await annotate(s.alice, 'Flag me twice, please');
    await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Spam' }).expect(201);
    await s.owner.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Agreed, spam' }).expect(201);
    const res = await s.owner.agent.get(`/api/groups/${s.slug}/flags`).expect(200);
    const queue = res.body as FlagQueue;
    const entry = queue.items.find((e) => e.item.targetId === a.id)!;
    expect(entry).toMatchObject({
      flagCount: 2,
      item: {
        targetType: 'annotation',
        annotationId: a.id,
        documentId: s.documentId,
        excerpt: 'Flag me twice, please',
        author: { id: s.alice.id },
        hidden: false,
      },
    });
    expect(entry.item.documentTitle).toBe('The Bolivian Revolution of 1952');
    expect(entry.flags.map((f) => [f.reporter.id, f.reason])).toEqual([
      [s.bob.id, 'Spam'],
      [s.owner.id, 'Agreed, spam'],
    ]);
    // Most flagged first.
    expect(queue.items[0]!.flagCount).toBeGreaterThanOrEqual(queue.items.at(-1)!.flagCount);
    await s.alice.agent.get(`/api/groups/${s.slug}/flags`).expect(403);
    await s.outsider.agent.get(`/api/groups/${s.slug}/flags`).expect(404);

    // Dismissing the item's flags empties its place in the queue.
    const dismissed = await act({ action: 'resolve-flag', targetType: 'annotation', targetId: a.id });
    expect(dismissed).toMatchObject({ action: 'resolve-flag', targetType: 'annotation', targetId: a.id });
    const after = (await s.owner.agent.get(`/api/groups/${s.slug}/flags`).expect(200)).body as FlagQueue;
    expect(after.items.find((e) => e.item.targetId === a.id)).toBeUndefined();
    await moderate(s.owner, { action: 'resolve-flag', targetType: 'annotation', targetId: a.id }).expect(409);
  });

  it('resolves a single flag', async () => {
    const a = await annotate(s.alice, 'Resolve one flag');
    const f = (await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Hmm' }).expect(201)).body as {
      id: string;
    };
    await act({ action: 'resolve-flag', targetType: 'flag', targetId: f.id, reason: 'Fine as it is' });
    expect(await count('flags', 'id = $1 AND resolved_at IS NOT NULL', [f.id])).toBe(1);
    await moderate(s.owner, { action: 'resolve-flag', targetType: 'flag', targetId: f.id }).expect(409);
    const other = await seminar(t);
    await moderate(other.owner, { action: 'resolve-flag', targetType: 'flag', targetId: f.id }, other.slug).expect(404);
  });
});

describe('moderation actions', () => {
  it('refuses students (403), outsiders (404) and bad bodies (400)', async () => {
    const a = await annotate(s.alice, 'Target');
    await moderate(s.bob, { action: 'hide', targetType: 'annotation', targetId: a.id, reason: 'x' }).expect(403);
    await moderate(s.outsider, { action: 'hide', targetType: 'annotation', targetId: a.id, reason: 'x' }).expect(404);
    for (const body of [
      { action: 'hide', targetType: 'annotation', targetId: a.id },
      { action: 'hide', targetType: 'annotation', targetId: a.id, reason: '   ' },
      { action: 'remove', targetType: 'reply', targetId: a.id },
      { action: 'reject', targetType: 'annotation', targetId: a.id },
      { action: 'mute', targetType: 'member', targetId: s.bob.id },
      { action: 'lock', targetType: 'reply', targetId: a.id },
      { action: 'mute', targetType: 'annotation', targetId: a.id, reason: 'x' },
      { action: 'pin', targetType: 'annotation', targetId: a.id, until: '2030-01-01T00:00:00Z' },
      { action: 'explode', targetType: 'annotation', targetId: a.id },
      { action: 'hide', targetType: 'annotation', targetId: 'nope', reason: 'x' },
    ]) {
      const res = await moderate(s.owner, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // An item of another group is not found from this one.
    const other = await seminar(t);
    await moderate(
      other.owner,
      { action: 'hide', targetType: 'annotation', targetId: a.id, reason: 'x' },
      other.slug,
    ).expect(404);
    expect((await seen(s.bob, a.id))?.moderation.hidden).toBe(false);
  });

  it('hides with a reason: the author sees the reason, another student the placeholder, instructors everything', async () => {
    const a = await annotate(s.alice, 'Something **rude** about Paz Estenssoro');
    await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'Rude' }).expect(201);
    const entry = await act({ action: 'hide', targetType: 'annotation', targetId: a.id, reason: 'Personal attack' });
    expect(entry).toMatchObject({
      action: 'hide',
      actor: { id: s.owner.id },
      targetType: 'annotation',
      targetId: a.id,
      reason: 'Personal attack',
      documentId: s.documentId,
      annotationId: a.id,
    });
    expect(entry.targetLabel).toContain(s.alice.displayName);

    const byAuthor = (await seen(s.alice, a.id))!;
    expect(byAuthor.moderation).toEqual({ hidden: true, reason: 'Personal attack', pending: false });
    expect(byAuthor.text).toBe('Something **rude** about Paz Estenssoro');
    const byOther = (await seen(s.bob, a.id))!;
    expect(byOther.moderation).toEqual({ hidden: true, reason: null, pending: false });
    expect(byOther.text).toBe('');
    expect(byOther.html).toContain('Hidden by a moderator');
    expect(byOther.tags).toEqual([]);
    // The author is notified, with the reason.
    const [notice] = await sql<{ data: { action: string; reason: string; annotationId: string } }>(
      "SELECT data FROM notifications WHERE user_id = $1 AND kind = 'moderation' ORDER BY created_at DESC LIMIT 1",
      [s.alice.id],
    );
    expect(notice?.data).toMatchObject({ action: 'hide', reason: 'Personal attack', annotationId: a.id });
    const byInstructor = (await seen(s.owner, a.id))!;
    expect(byInstructor).toMatchObject({
      text: 'Something **rude** about Paz Estenssoro',
      moderation: { hidden: true, reason: 'Personal attack' },
    });

    // Hiding resolved the item's flags; hiding twice is a conflict.
    const queue = (await s.owner.agent.get(`/api/groups/${s.slug}/flags`).expect(200)).body as FlagQueue;
    expect(queue.items.find((e) => e.item.targetId === a.id)).toBeUndefined();
    const twice = await moderate(s.owner, {
      action: 'hide',
      targetType: 'annotation',
      targetId: a.id,
      reason: 'again',
    });
    expect(twice.status).toBe(409);

    await act({ action: 'unhide', targetType: 'annotation', targetId: a.id });
    expect(await seen(s.bob, a.id)).toMatchObject({
      text: 'Something **rude** about Paz Estenssoro',
      moderation: { hidden: false, reason: null },
    });
    await moderate(s.owner, { action: 'unhide', targetType: 'annotation', targetId: a.id }).expect(409);
  });

  it('hides a reply inside a visible thread', async () => {
    const a = await annotate(s.alice, 'Fine note');
    const r = await reply(s.bob, a.id, 'Insulting reply');
    await act({ action: 'hide', targetType: 'reply', targetId: r.id, reason: 'Insult' });
    const forAlice = (await seen(s.alice, a.id))!.replies.find((x) => x.id === r.id)!;
    expect(forAlice).toMatchObject({ text: '', moderation: { hidden: true, reason: null } });
    expect(forAlice.html).toContain('Hidden by a moderator');
    const forBob = (await seen(s.bob, a.id))!.replies.find((x) => x.id === r.id)!;
    expect(forBob).toMatchObject({ text: 'Insulting reply', moderation: { hidden: true, reason: 'Insult' } });
  });

  it('removes an item: gone for everyone but instructors, and no longer answerable', async () => {
    const a = await annotate(s.alice, 'To be removed');
    const kept = await annotate(s.alice, 'Kept, with a removed reply');
    const r = await reply(s.bob, kept.id, 'Removed reply');
    await act({ action: 'remove', targetType: 'annotation', targetId: a.id, reason: 'Spam' });
    await act({ action: 'remove', targetType: 'reply', targetId: r.id, reason: 'Spam too' });
    expect(await seen(s.alice, a.id)).toBeUndefined();
    expect(await seen(s.bob, a.id)).toBeUndefined();
    expect(await seen(s.owner, a.id)).toMatchObject({
      text: 'To be removed',
      moderation: { hidden: true, reason: 'Spam' },
    });
    expect((await seen(s.alice, kept.id))!.replies.map((x) => x.id)).not.toContain(r.id);
    expect((await seen(s.bob, kept.id))!.replies.map((x) => x.id)).not.toContain(r.id);
    expect((await seen(s.owner, kept.id))!.replies.map((x) => x.id)).toContain(r.id);
    await s.bob.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'Hello?' }).expect(404);
    await s.bob.agent.post(`/api/annotations/${a.id}/flags`).send({ reason: 'x' }).expect(404);
    await s.alice.agent.patch(`/api/annotations/${a.id}`).send({ version: a.version, text: 'Back' }).expect(404);
    await moderate(s.owner, { action: 'remove', targetType: 'annotation', targetId: a.id, reason: 'again' }).expect(
      409,
    );
    await moderate(s.owner, { action: 'unhide', targetType: 'annotation', targetId: a.id }).expect(409);
  });

  it('locks a thread: replies get 409 except from instructors, until it is unlocked', async () => {
    const a = await annotate(s.alice, 'Heated thread');
    await act({ action: 'lock', targetType: 'annotation', targetId: a.id, reason: 'Cooling off' });
    expect(await seen(s.bob, a.id)).toMatchObject({ locked: true });
    const refused = await s.bob.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'But…' });
    expect(refused.status).toBe(409);
    expect((refused.body as Problem).type).toBe('urn:scholia:problem:thread-locked');
    await s.alice.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'Mine!' }).expect(409);
    await reply(s.owner, a.id, 'Instructors may still answer');
    await moderate(s.owner, { action: 'lock', targetType: 'annotation', targetId: a.id }).expect(409);
    await act({ action: 'unlock', targetType: 'annotation', targetId: a.id });
    await reply(s.bob, a.id, 'Calmly now');
  });

  it('lists pinned annotations first', async () => {
    const before = (
      (await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200)).body as AnnotationList
    ).items;
    const last = before.at(-1)!;
    await act({ action: 'pin', targetType: 'annotation', targetId: last.id });
    const items = (
      (await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200)).body as AnnotationList
    ).items;
    expect(items[0]).toMatchObject({ id: last.id, pinned: true });
    await act({ action: 'unpin', targetType: 'annotation', targetId: last.id });
    const again = (
      (await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200)).body as AnnotationList
    ).items;
    expect(again.find((a) => a.id === last.id)!.pinned).toBe(false);
    expect(again[0]!.id).toBe(before[0]!.id);
  });
});

describe('pre-moderation', () => {
  it('holds students’ new items for approval: seen by the author and instructors only until approved', async () => {
    await s.owner.agent
      .patch(`/api/groups/${s.slug}`)
      .send({ settings: { preModeration: true } })
      .expect(200);
    try {
      const a = await annotate(s.alice, 'Awaiting approval');
      expect(a.moderation).toEqual({ hidden: false, reason: null, pending: true });
      const byInstructor = await annotate(s.owner, 'Instructors post directly');
      expect(byInstructor.moderation.pending).toBe(false);
      expect(await seen(s.bob, byInstructor.id)).toBeDefined();

      expect((await seen(s.alice, a.id))?.moderation.pending).toBe(true);
      expect(await seen(s.bob, a.id)).toBeUndefined();
      expect((await seen(s.owner, a.id))?.moderation.pending).toBe(true);
      await s.bob.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'Can I see it?' }).expect(404);

      const r = await reply(s.bob, byInstructor.id, 'A pending reply');
      expect(r.moderation.pending).toBe(true);
      expect((await seen(s.alice, byInstructor.id))!.replies.map((x) => x.id)).not.toContain(r.id);
      expect((await seen(s.bob, byInstructor.id))!.replies.map((x) => x.id)).toContain(r.id);

      const queue = (await s.owner.agent.get(`/api/groups/${s.slug}/pending`).expect(200)).body as PendingList;
      expect(queue.items.map((i) => [i.targetType, i.targetId])).toEqual(
        expect.arrayContaining([
          ['annotation', a.id],
          ['reply', r.id],
        ]),
      );
      await s.alice.agent.get(`/api/groups/${s.slug}/pending`).expect(403);

      await act({ action: 'approve', targetType: 'annotation', targetId: a.id });
      expect((await seen(s.bob, a.id))?.moderation).toEqual({ hidden: false, reason: null, pending: false });
      await moderate(s.owner, { action: 'approve', targetType: 'annotation', targetId: a.id }).expect(409);

      await act({ action: 'reject', targetType: 'reply', targetId: r.id, reason: 'Not about the text' });
      expect((await seen(s.alice, byInstructor.id))!.replies.map((x) => x.id)).not.toContain(r.id);
      const own = (await seen(s.bob, byInstructor.id))!.replies.find((x) => x.id === r.id)!;
      expect(own.moderation).toEqual({ hidden: true, reason: 'Not about the text', pending: false });
      expect((await seen(s.owner, byInstructor.id))!.replies.find((x) => x.id === r.id)?.moderation.hidden).toBe(true);
      await moderate(s.owner, { action: 'unhide', targetType: 'reply', targetId: r.id }).expect(409);

      const after = (await s.owner.agent.get(`/api/groups/${s.slug}/pending`).expect(200)).body as PendingList;
      expect(after.items.map((i) => i.targetId)).not.toEqual(expect.arrayContaining([a.id]));
      expect(after.items.map((i) => i.targetId)).not.toEqual(expect.arrayContaining([r.id]));
    } finally {
      await s.owner.agent
        .patch(`/api/groups/${s.slug}`)
        .send({ settings: { preModeration: false } })
        .expect(200);
    }
    const later = await annotate(s.alice, 'Straight through again');
    expect(later.moderation.pending).toBe(false);
  });
});

describe('mutes', () => {
  it('blocks a muted student from posting until the mute ends; reading still works', async () => {
    const a = await annotate(s.alice, 'A thread for Bob');
    const mine = await annotate(s.bob, 'Bob’s own note');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const entry = await act({ action: 'mute', targetType: 'member', targetId: s.bob.id, reason: 'Flooding', until });
    expect(entry).toMatchObject({ action: 'mute', targetType: 'member', targetId: s.bob.id, reason: 'Flooding' });
    expect(Date.parse(entry.until!)).toBe(Date.parse(until));
    expect(entry.targetLabel).toContain(s.bob.displayName);

    const posts = [
      s.bob.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({ target: selectorsFor(s.text, 'COB'), text: 'x' }),
      s.bob.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'x' }),
      s.bob.agent.patch(`/api/annotations/${mine.id}`).send({ version: mine.version, text: 'edited' }),
      s.bob.agent.post(`/api/annotations/${a.id}/vote`),
    ];
    for (const res of await Promise.all(posts))
      expect(res.status, (res as unknown as { req: { method: string; path: string } }).req.path).toBe(403);
    await s.bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200);
    expect(await count('votes', 'annotation_id = $1', [a.id])).toBe(0);
    const members = (await s.owner.agent.get(`/api/groups/${s.slug}/members`).expect(200)).body as {
      items: { user: { id: string }; mutedUntil?: string | null }[];
    };
    expect(Date.parse(members.items.find((m) => m.user.id === s.bob.id)!.mutedUntil!)).toBe(Date.parse(until));

    // Once the mute has run out, Bob posts again.
    await sql(`UPDATE memberships SET muted_until = now() - interval '1 minute' WHERE user_id = $1`, [s.bob.id]);
    await reply(s.bob, a.id, 'Back again');
    await s.bob.agent.post(`/api/annotations/${a.id}/vote`).expect(200);
    await moderate(s.owner, { action: 'unmute', targetType: 'member', targetId: s.bob.id }).expect(409);

    // A default (24 hour) mute, lifted early.
    const d = await act({ action: 'mute', targetType: 'member', targetId: s.bob.id, reason: 'Again' });
    expect(Date.parse(d.until!) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await s.bob.agent.post(`/api/annotations/${a.id}/replies`).send({ text: 'x' }).expect(403);
    await act({ action: 'unmute', targetType: 'member', targetId: s.bob.id });
    await reply(s.bob, a.id, 'Unmuted');
  });

  it('refuses muting instructors, non-members and an end in the past', async () => {
    await moderate(s.owner, { action: 'mute', targetType: 'member', targetId: s.owner.id, reason: 'x' }).expect(403);
    await moderate(s.owner, { action: 'mute', targetType: 'member', targetId: s.outsider.id, reason: 'x' }).expect(404);
    const past = await moderate(s.owner, {
      action: 'mute',
      targetType: 'member',
      targetId: s.alice.id,
      reason: 'x',
      until: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(422);
    expect((past.body as Problem).errors?.[0]?.path).toBe('body.until');
  });
});

describe('live moderation events', () => {
  it('sends each reader the view they may see: reason to the author and instructors, placeholder to others', async () => {
    const a = await annotate(s.alice, 'Watched live');
    const alice = clients.open(t.url, cookieOf(s.alice.agent));
    const bob = clients.open(t.url, cookieOf(s.bob.agent));
    const owner = clients.open(t.url, cookieOf(s.owner.agent));
    for (const c of [alice, bob, owner]) await c.joinOk(s.documentId);
    const mark = [alice, bob, owner].map((c) => c.events.length);

    await act({ action: 'hide', targetType: 'annotation', targetId: a.id, reason: 'Live reason' });
    const isHide = (e: { type: string; payload: unknown }) =>
      e.type === 'annotation.updated' && (e.payload as AnnotationDto).id === a.id;
    const [ea, eb, eo] = await Promise.all([alice, bob, owner].map((c, i) => c.nextEvent(isHide, 'the hide', mark[i])));
    expect(ea!.payload as AnnotationDto).toMatchObject({
      text: 'Watched live',
      moderation: { hidden: true, reason: 'Live reason' },
    });
    expect(eb!.payload as AnnotationDto).toMatchObject({ text: '', moderation: { hidden: true, reason: null } });
    expect(eo!.payload as AnnotationDto).toMatchObject({
      text: 'Watched live',
      moderation: { hidden: true, reason: 'Live reason' },
    });
    // Each reader got exactly one view of it.
    for (const [i, c] of [alice, bob, owner].entries()) {
      await c.ping();
      expect(c.events.slice(mark[i]).filter(isHide)).toHaveLength(1);
    }

    // Removal: a deletion for the author and other students, the full view for instructors.
    const mark2 = [alice, bob, owner].map((c) => c.events.length);
    await act({ action: 'remove', targetType: 'annotation', targetId: a.id, reason: 'Gone' });
    const isAbout = (e: { type: string; payload: unknown }) => (e.payload as { id?: string }).id === a.id;
    const [ra, rb, ro] = await Promise.all(
      [alice, bob, owner].map((c, i) => c.nextEvent(isAbout, 'the removal', mark2[i])),
    );
    expect([ra!.type, rb!.type, ro!.type]).toEqual(['annotation.deleted', 'annotation.deleted', 'annotation.updated']);
  });
});

describe('the audit log', () => {
  it('keeps a row for every action, newest first, filterable and paginated', async () => {
    const res = await s.owner.agent.get(`/api/groups/${s.slug}/audit?perPage=200`).expect(200);
    const log = res.body as AuditList;
    const actions = new Set(log.items.map((e) => e.action));
    for (const a of [
      'hide',
      'unhide',
      'remove',
      'lock',
      'unlock',
      'pin',
      'unpin',
      'approve',
      'reject',
      'mute',
      'unmute',
      'resolve-flag',
      'update-settings',
    ]) {
      expect(actions, a).toContain(a);
    }
    const times = log.items.map((e) => Date.parse(e.created));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(log.total).toBe(log.items.length);
    expect(await count('moderation_actions m JOIN groups g ON g.id = m.group_id', 'g.slug = $1', [s.slug])).toBe(
      log.total,
    );

    const hides = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?action=hide`).expect(200)).body as AuditList;
    expect(hides.items.length).toBeGreaterThan(0);
    expect(hides.items.every((e) => e.action === 'hide' && e.reason.length > 0)).toBe(true);
    const byHandle = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?actor=@${s.owner.handle}`).expect(200))
      .body as AuditList;
    expect(byHandle.total).toBe(log.total);
    const byId = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?actor=${s.alice.id}`).expect(200))
      .body as AuditList;
    expect(byId.total).toBe(0);
    const nobody = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?actor=nobody-at-all`).expect(200))
      .body as AuditList;
    expect(nobody.total).toBe(0);

    const page2 = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?perPage=2&page=2`).expect(200))
      .body as AuditList;
    expect(page2).toMatchObject({ page: 2, perPage: 2, total: log.total });
    expect(page2.items.map((e) => e.id)).toEqual(log.items.slice(2, 4).map((e) => e.id));

    const future = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?from=2999-01-01`).expect(200))
      .body as AuditList;
    expect(future.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const upToToday = (await s.owner.agent.get(`/api/groups/${s.slug}/audit?from=2000-01-01&to=${today}`).expect(200))
      .body as AuditList;
    expect(upToToday.total).toBe(log.total);
    const middle = log.items[Math.floor(log.items.length / 2)]!;
    const upToMiddle = (
      await s.owner.agent.get(`/api/groups/${s.slug}/audit?to=${encodeURIComponent(middle.created)}`).expect(200)
    ).body as AuditList;
    expect(upToMiddle.items.every((e) => Date.parse(e.created) <= Date.parse(middle.created))).toBe(true);
    expect(upToMiddle.items.map((e) => e.id)).toContain(middle.id);

    await s.owner.agent.get(`/api/groups/${s.slug}/audit?action=explode`).expect(400);
    await s.owner.agent.get(`/api/groups/${s.slug}/audit?perPage=0`).expect(400);
    await s.owner.agent.get(`/api/groups/${s.slug}/audit?from=yesterday`).expect(400);
    await s.alice.agent.get(`/api/groups/${s.slug}/audit`).expect(403);
    await s.outsider.agent.get(`/api/groups/${s.slug}/audit`).expect(404);
  });

  it('cannot be edited: no endpoint changes a row, and the database refuses UPDATE and DELETE', async () => {
    const [row] = await sql<{ id: string; reason: string }>(
      'SELECT m.id, m.reason FROM moderation_actions m JOIN groups g ON g.id = m.group_id WHERE g.slug = $1 LIMIT 1',
      [s.slug],
    );
    for (const method of ['patch', 'put', 'delete'] as const) {
      const res = await s.owner.agent[method](`/api/groups/${s.slug}/audit/${row!.id}`).send({ reason: 'rewritten' });
      expect(res.status, method).toBe(404);
    }
    await expect(sql(`UPDATE moderation_actions SET reason = 'rewritten' WHERE id = $1`, [row!.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(`DELETE FROM moderation_actions WHERE id = $1`, [row!.id])).rejects.toThrow(/append-only/);
    await expect(sql(`TRUNCATE moderation_actions`)).rejects.toThrow(/append-only/);
    const [still] = await sql<{ reason: string }>('SELECT reason FROM moderation_actions WHERE id = $1', [row!.id]);
    expect(still!.reason).toBe(row!.reason);
  });
});
