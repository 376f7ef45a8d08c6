import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/seed/demo-seed.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeDb, count, sql } from '../support/db.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
  await closeDb();
});

it('seeds the demo seminar once, however often it runs', async () => {
  const seed = t.app.get(DemoSeedService);
  const first = await seed.seed();
  if (first) {
    expect(first.accounts.map((a) => a.role).sort()).toEqual(['owner', 'student', 'student']);
    expect(first.inviteCode.length).toBeGreaterThan(8);
  }
  const snapshot = async () => ({
    groups: await count('groups', 'slug = $1', [DEMO_SLUG]),
    users: await count('users', "email LIKE '%@demo.scholia'"),
    documents: await count('documents d JOIN groups g ON g.id = d.group_id', 'g.slug = $1', [DEMO_SLUG]),
  });
  const before = await snapshot();
  expect(before).toEqual({ groups: 1, users: 3, documents: 1 });
  expect(await seed.seed()).toBeNull();
  expect(await Promise.all([seed.seed(), seed.seed()])).toEqual([null, null]);
  expect(await snapshot()).toEqual(before);
  const [doc] = await sql<{ title: string }>(
    'SELECT d.title FROM documents d JOIN groups g ON g.id = d.group_id WHERE g.slug = $1',
    [DEMO_SLUG],
  );
  expect(doc!.title).toMatch(/Bolivian Revolution/);
});

it('answers /api/health with 503 problem+json when the database is down', async () => {
  const down = await createTestApp({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
  try {
    const res = await down.http.get('/api/health');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, type: 'urn:scholia:problem:database-unavailable' });
  } finally {
    await down.close();
  }
});
