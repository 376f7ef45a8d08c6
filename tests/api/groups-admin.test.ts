import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeDb, count, sql } from '../support/db.js';
import { type Member, seminar, signUp, type Seminar } from '../support/fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
});
afterAll(async () => {
  await t.close();
  await closeDb();
});

type WithCarol = Seminar & { carol: Member };

/** The fixture seminar plus Carol, an instructor. */
async function withInstructor(): Promise<WithCarol> {
  const s = await seminar(t);
  const invite = await s.owner.agent.post(`/api/groups/${s.slug}/invites`).send({ role: 'instructor' }).expect(201);
  const carol = await signUp(t, 'Carol');
  await carol.agent
    .post('/api/groups/join')
    .send({ code: (invite.body as { code: string }).code })
    .expect(200);
  return { ...s, carol };
}

const roleOf = async (s: WithCarol, who: Member): Promise<string | undefined> => {
  const res = await s.owner.agent.get(`/api/groups/${s.slug}/members`);
  if (res.status !== 200) {
    const alt = await who.agent.get(`/api/groups/${s.slug}`);
    return alt.status === 200 ? (alt.body as { role: string }).role : undefined;
  }
  return (res.body as { items: { user: { id: string }; role: string }[] }).items.find((m) => m.user.id === who.id)
    ?.role;
};

interface Problem {
  type: string;
  status: number;
}

describe('access to group administration', () => {
  let s: WithCarol;
  beforeAll(async () => {
    s = await withInstructor();
  });

  it('answers outsiders 404 on every administrative endpoint, and the unauthenticated 401', async () => {
    const { slug, outsider, alice } = s;
    const invites = await s.owner.agent.get(`/api/groups/${slug}/invites`).expect(200);
    const inviteId = (invites.body as { items: { id: string }[] }).items[0]!.id;
    const calls = [
      outsider.agent.patch(`/api/groups/${slug}`).send({ name: 'Mine now' }),
      outsider.agent.delete(`/api/groups/${slug}`),
      outsider.agent.get(`/api/groups/${slug}/invites`),
      outsider.agent.delete(`/api/groups/${slug}/invites/${inviteId}`),
      outsider.agent.get(`/api/groups/${slug}/members`),
      outsider.agent.patch(`/api/groups/${slug}/members/${alice.id}`).send({ role: 'instructor' }),
      outsider.agent.delete(`/api/groups/${slug}/members/${alice.id}`),
      outsider.agent.post(`/api/groups/${slug}/leave`),
      outsider.agent.get(`/api/groups/no-such-group/members`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status, (res as unknown as { req: { method: string; path: string } }).req.path).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    await t.http.get(`/api/groups/${slug}/members`).expect(401);
  });

  it('lets a student see names and roles only, and refuses them everything else with 403', async () => {
    const { slug, alice, bob } = s;
    const list = await alice.agent.get(`/api/groups/${slug}/members`).expect(200);
    const items = (list.body as { items: Record<string, unknown>[] }).items;
    expect(items.map((m) => m.role)).toEqual(['owner', 'instructor', 'student', 'student']);
    for (const m of items) expect(Object.keys(m).sort()).toEqual(['role', 'user']);
    const invites = await s.owner.agent.get(`/api/groups/${slug}/invites`).expect(200);
    const inviteId = (invites.body as { items: { id: string }[] }).items[0]!.id;
    for (const res of await Promise.all([
      alice.agent.patch(`/api/groups/${slug}`).send({ name: 'Renamed' }),
      alice.agent.delete(`/api/groups/${slug}`),
      alice.agent.get(`/api/groups/${slug}/invites`),
      alice.agent.delete(`/api/groups/${slug}/invites/${inviteId}`),
      alice.agent.patch(`/api/groups/${slug}/members/${bob.id}`).send({ role: 'instructor' }),
      alice.agent.patch(`/api/groups/${slug}/members/${alice.id}`).send({ role: 'instructor' }),
      alice.agent.delete(`/api/groups/${slug}/members/${bob.id}`),
    ])) {
      expect(res.status, (res as unknown as { req: { method: string; path: string } }).req.path).toBe(403);
    }
  });

  it('shows instructors when members joined and any mute', async () => {
    const list = await s.carol.agent.get(`/api/groups/${s.slug}/members`).expect(200);
    const alice = (
      list.body as { items: { user: { id: string }; joined?: string; mutedUntil?: string | null }[] }
    ).items.find((m) => m.user.id === s.alice.id)!;
    expect(typeof alice.joined).toBe('string');
    expect(alice.mutedUntil).toBeNull();
  });

  it('validates ids and bodies with 400', async () => {
    await s.owner.agent.patch(`/api/groups/${s.slug}/members/not-a-uuid`).send({ role: 'student' }).expect(400);
    await s.owner.agent.patch(`/api/groups/${s.slug}/members/${s.alice.id}`).send({ role: 'dean' }).expect(400);
    await s.owner.agent.patch(`/api/groups/${s.slug}`).send({}).expect(400);
    await s.owner.agent.patch(`/api/groups/${s.slug}`).send({ name: '' }).expect(400);
    await s.owner.agent
      .patch(`/api/groups/${s.slug}`)
      .send({ settings: { preModeration: 'yes' } })
      .expect(400);
    await s.owner.agent.patch(`/api/groups/${s.slug}/members/${s.outsider.id}`).send({ role: 'student' }).expect(404);
  });
});

describe('role changes', () => {
  it('lets only the owner make and unmake instructors; nobody changes the owner', async () => {
    const s = await withInstructor();
    const { slug, owner, carol, alice, bob } = s;
    const patch = (by: Member, who: Member, role: string) =>
      by.agent.patch(`/api/groups/${slug}/members/${who.id}`).send({ role });

    // An instructor may not promote, demote or touch the owner.
    await patch(carol, alice, 'instructor').expect(403);
    await patch(carol, carol, 'student').expect(403);
    await patch(carol, owner, 'student').expect(403);
    await patch(carol, owner, 'instructor').expect(403);
    await patch(carol, alice, 'owner').expect(403);
    // Setting the role a member already has changes nothing.
    const same = await patch(carol, alice, 'student').expect(200);
    expect(same.body).toMatchObject({ user: { id: alice.id }, role: 'student' });

    // The owner promotes and demotes.
    const up = await patch(owner, alice, 'instructor').expect(200);
    expect(up.body).toMatchObject({ user: { id: alice.id }, role: 'instructor' });
    await alice.agent.get(`/api/groups/${slug}/invites`).expect(200);
    const down = await patch(owner, carol, 'student').expect(200);
    expect(down.body).toMatchObject({ role: 'student' });
    await carol.agent.get(`/api/groups/${slug}/invites`).expect(403);

    // Nobody changes the owner's role, not even the owner.
    await patch(owner, owner, 'instructor').expect(403);
    await patch(owner, owner, 'student').expect(403);
    expect(await roleOf(s, owner)).toBe('owner');
    expect(await roleOf(s, bob)).toBe('student');

    const audit = await owner.agent.get(`/api/groups/${slug}/audit?action=change-role`).expect(200);
    const rows = (audit.body as { items: { targetId: string; reason: string; actor: { id: string } }[] }).items;
    expect(rows.map((r) => [r.targetId, r.reason])).toEqual([
      [carol.id, 'instructor → student'],
      [alice.id, 'student → instructor'],
    ]);
    expect(rows.every((r) => r.actor.id === owner.id)).toBe(true);
  });

  it('hands the group over: the new owner has the owner’s powers and the old one becomes an instructor', async () => {
    const s = await withInstructor();
    const { slug, owner, alice, carol } = s;
    const res = await owner.agent.patch(`/api/groups/${slug}/members/${alice.id}`).send({ role: 'owner' }).expect(200);
    expect(res.body).toMatchObject({ user: { id: alice.id }, role: 'owner' });
    expect((await alice.agent.get(`/api/groups/${slug}`).expect(200)).body).toMatchObject({ role: 'owner' });
    expect((await owner.agent.get(`/api/groups/${slug}`).expect(200)).body).toMatchObject({ role: 'instructor' });
    // The former owner lost the owner-only powers…
    await owner.agent.patch(`/api/groups/${slug}/members/${carol.id}`).send({ role: 'student' }).expect(403);
    await owner.agent.delete(`/api/groups/${slug}`).expect(403);
    // …which the new owner has.
    await alice.agent.patch(`/api/groups/${slug}/members/${carol.id}`).send({ role: 'student' }).expect(200);
    expect(
      await count('memberships m JOIN groups g ON g.id = m.group_id', "g.slug = $1 AND m.role = 'owner'", [slug]),
    ).toBe(1);
    // Now the former owner may leave; the new one may not.
    await owner.agent.post(`/api/groups/${slug}/leave`).expect(204);
    const stay = await alice.agent.post(`/api/groups/${slug}/leave`).expect(409);
    expect((stay.body as Problem).type).toBe('urn:scholia:problem:owner-cannot-leave');
  });
});

describe('removing and leaving', () => {
  it('lets instructors remove students, and only the owner remove instructors; never the owner or oneself', async () => {
    const s = await withInstructor();
    const { slug, owner, carol, alice, bob } = s;
    const remove = (by: Member, who: Member) => by.agent.delete(`/api/groups/${slug}/members/${who.id}`);
    await remove(carol, owner).expect(403);
    await remove(carol, carol).expect(403);
    await remove(owner, owner).expect(403);
    await remove(carol, bob).expect(204);
    await bob.agent.get(`/api/groups/${slug}`).expect(404);
    await bob.agent.get(`/api/documents/${s.documentId}/annotations`).expect(404);
    await remove(carol, bob).expect(404);

    // A second instructor cannot remove Carol; the owner can.
    await owner.agent.patch(`/api/groups/${slug}/members/${alice.id}`).send({ role: 'instructor' }).expect(200);
    await remove(alice, carol).expect(403);
    await remove(owner, carol).expect(204);
    await carol.agent.get(`/api/groups/${slug}/members`).expect(404);

    const audit = await owner.agent.get(`/api/groups/${slug}/audit?action=remove-member`).expect(200);
    const rows = (audit.body as { items: { targetId: string; targetLabel: string; actor: { id: string } }[] }).items;
    expect(rows.map((r) => [r.targetId, r.actor.id])).toEqual([
      [carol.id, owner.id],
      [bob.id, carol.id],
    ]);
    expect(rows[0]!.targetLabel).toContain(carol.displayName);
  });

  it('lets members leave, but not the owner', async () => {
    const s = await withInstructor();
    await s.alice.agent.post(`/api/groups/${s.slug}/leave`).expect(204);
    await s.alice.agent.get(`/api/groups/${s.slug}`).expect(404);
    await s.alice.agent.post(`/api/groups/${s.slug}/leave`).expect(404);
    await s.carol.agent.post(`/api/groups/${s.slug}/leave`).expect(204);
    const res = await s.owner.agent.post(`/api/groups/${s.slug}/leave`).expect(409);
    expect((res.body as Problem).type).toBe('urn:scholia:problem:owner-cannot-leave');
    const list = await s.owner.agent.get(`/api/groups/${s.slug}/members`).expect(200);
    expect((list.body as { items: { user: { id: string } }[] }).items.map((m) => m.user.id).sort()).toEqual(
      [s.owner.id, s.bob.id].sort(),
    );
  });
});

describe('invites', () => {
  it('lists invites to instructors and revokes them: joining with a revoked code fails', async () => {
    const s = await withInstructor();
    const { slug, owner, carol } = s;
    const created = await carol.agent
      .post(`/api/groups/${slug}/invites`)
      .send({ role: 'student', expiresInHours: 24 })
      .expect(201);
    const { id, code } = created.body as { id: string; code: string };

    const list = await carol.agent.get(`/api/groups/${slug}/invites`).expect(200);
    const items = (
      list.body as {
        items: {
          id: string;
          role: string;
          active: boolean;
          revoked: string | null;
          createdBy: { id: string };
          url: string;
        }[];
      }
    ).items;
    expect(items[0]).toMatchObject({ id, role: 'student', active: true, revoked: null, createdBy: { id: carol.id } });
    expect(items[0]!.url).toMatch(new RegExp(`/join/${code}$`));
    // Instructor invites are the owner's: Carol does not see them, and cannot revoke them.
    expect(items.every((i) => i.role === 'student')).toBe(true);
    const ownerList = await owner.agent.get(`/api/groups/${slug}/invites`).expect(200);
    const instructorInvite = (ownerList.body as { items: { id: string; role: string }[] }).items.find(
      (i) => i.role === 'instructor',
    )!;
    expect(instructorInvite).toBeDefined();
    await carol.agent.delete(`/api/groups/${slug}/invites/${instructorInvite.id}`).expect(404);

    await carol.agent.delete(`/api/groups/${slug}/invites/${id}`).expect(204);
    await carol.agent.delete(`/api/groups/${slug}/invites/${id}`).expect(204);
    const dave = await signUp(t, 'Dave');
    const join = await dave.agent.post('/api/groups/join').send({ code });
    expect(join.status).toBe(404);
    expect((join.body as Problem).type).toBe('urn:scholia:problem:invite-invalid');
    await dave.agent.get(`/api/groups/${slug}`).expect(404);

    const after = await carol.agent.get(`/api/groups/${slug}/invites`).expect(200);
    expect(
      (after.body as { items: { id: string; active: boolean; revoked: string | null }[] }).items.find(
        (i) => i.id === id,
      ),
    ).toMatchObject({ active: false });

    await owner.agent.delete(`/api/groups/${slug}/invites/${instructorInvite.id}`).expect(204);
    const other = await seminar(t);
    await other.owner.agent.delete(`/api/groups/${other.slug}/invites/${id}`).expect(404);

    const audit = await owner.agent.get(`/api/groups/${slug}/audit?action=revoke-invite`).expect(200);
    expect((audit.body as { total: number }).total).toBe(2);
  });
});

describe('settings and deletion', () => {
  it('lets instructors change the name, description and settings, and records it', async () => {
    const s = await withInstructor();
    const res = await s.carol.agent
      .patch(`/api/groups/${s.slug}`)
      .send({
        name: 'Bolivia 1952',
        description: 'Permanent or deflected?',
        settings: { preModeration: true, commitRevealDefault: true },
      })
      .expect(200);
    expect(res.body).toMatchObject({
      slug: s.slug,
      name: 'Bolivia 1952',
      description: 'Permanent or deflected?',
      settings: { preModeration: true, commitRevealDefault: true },
      role: 'instructor',
    });
    const seen = await s.alice.agent.get(`/api/groups/${s.slug}`).expect(200);
    expect(seen.body).toMatchObject({ name: 'Bolivia 1952', settings: { preModeration: true } });
    const partial = await s.owner.agent
      .patch(`/api/groups/${s.slug}`)
      .send({ settings: { commitRevealDefault: false } })
      .expect(200);
    expect(partial.body).toMatchObject({
      name: 'Bolivia 1952',
      settings: { preModeration: true, commitRevealDefault: false },
    });

    const audit = await s.owner.agent.get(`/api/groups/${s.slug}/audit?action=update-settings`).expect(200);
    const rows = (audit.body as { items: { reason: string; targetType: string }[] }).items;
    expect(rows).toHaveLength(2);
    expect(rows[1]!.reason).toContain('pre-moderation on');
    expect(rows[0]!.reason).toBe('commit-then-reveal by default off');
  });

  it('lets only the owner delete the group, with everything in it', async () => {
    const s = await withInstructor();
    const { slug, owner, carol, alice } = s;
    // Leave something in the audit log, which otherwise can never be deleted.
    await owner.agent.patch(`/api/groups/${slug}`).send({ name: 'About to go' }).expect(200);
    await carol.agent.delete(`/api/groups/${slug}`).expect(403);
    await alice.agent.delete(`/api/groups/${slug}`).expect(403);
    const [{ id }] = (await sql<{ id: string }>('SELECT id FROM groups WHERE slug = $1', [slug])) as [{ id: string }];
    expect(await count('moderation_actions', 'group_id = $1', [id])).toBeGreaterThan(0);
    await owner.agent.delete(`/api/groups/${slug}`).expect(204);
    await owner.agent.get(`/api/groups/${slug}`).expect(404);
    await alice.agent.get(`/api/documents/${s.documentId}`).expect(404);
    expect(await count('groups', 'id = $1', [id])).toBe(0);
    expect(await count('documents', 'group_id = $1', [id])).toBe(0);
    expect(await count('moderation_actions', 'group_id = $1', [id])).toBe(0);
    await owner.agent.delete(`/api/groups/${slug}`).expect(404);
  });
});
