import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newUser, TEST_ORIGIN, type TestApp } from '../support/app.js';
import { closeDb, count, sql } from '../support/db.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
});
afterAll(async () => {
  await t.close();
  await closeDb();
});

const sessionCookie = (res: { headers: Record<string, unknown> }): string => {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const c = cookies.find((x) => x.startsWith('scholia_session='));
  if (!c) throw new Error('no session cookie');
  return c.split(';')[0]!;
};

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  type?: string,
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String) as string });
  expect(typeof res.body.type).toBe('string');
  if (type) expect(res.body.type).toBe(`urn:scholia:problem:${type}`);
}

async function register(): Promise<{ cookie: string; user: ReturnType<typeof newUser>; id: string }> {
  const user = newUser();
  const res = await t.http.post('/api/auth/register').send(user).expect(201);
  return { cookie: sessionCookie(res), user, id: (res.body as { id: string }).id };
}

describe('register', () => {
  it('creates the account, signs in with a Lucia-style cookie and stores only the token hash', async () => {
    const user = newUser('Ana');
    const res = await t.http.post('/api/auth/register').set('Origin', TEST_ORIGIN).send(user).expect(201);
    expect(res.body).toMatchObject({ email: user.email.toLowerCase(), displayName: user.displayName });
    const raw = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('scholia_session='))!;
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(raw).not.toMatch(/Secure/i);
    const token = raw.split(';')[0]!.split('=')[1]!;
    const rows = await sql<{ id: string; expires_at: Date }>('SELECT id, expires_at FROM sessions WHERE user_id = $1', [
      (res.body as { id: string }).id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toContain(token);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    const days = (rows[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    const hash = await sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [
      user.email.toLowerCase(),
    ]);
    expect(hash[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const me = await t.http.get('/api/me').set('Cookie', sessionCookie(res)).expect(200);
    expect(me.body).toMatchObject({ email: user.email.toLowerCase() });
  });

  it('refuses a duplicate email in another letter case with 409 and stores nothing', async () => {
    const user = newUser();
    await t.http.post('/api/auth/register').send(user).expect(201);
    const other = { ...newUser(), email: user.email.toUpperCase() };
    const res = await t.http.post('/api/auth/register').send(other);
    expectProblem(res, 409, 'email-taken');
    expect(await count('users', 'email = $1', [user.email.toLowerCase()])).toBe(1);
    expect(await count('users', 'display_name = $1', [other.displayName])).toBe(0);
  });

  const bad: [string, unknown, string][] = [
    ['missing fields', { email: 'a@example.org' }, 'validation'],
    ['an extra field', { ...newUser(), isAdmin: true }, 'validation'],
    ['wrong types', { email: 42, password: ['x'], displayName: null }, 'validation'],
    ['a bad email', { ...newUser(), email: 'not-an-email' }, 'validation'],
    ['a short password', { ...newUser(), password: 'Tin1952' }, 'validation'],
    ['an overlong password', { ...newUser(), password: 'x'.repeat(129) }, 'validation'],
    ['a common password', { ...newUser(), password: 'password1' }, 'weak-password'],
    ['an empty display name', { ...newUser(), displayName: '   ' }, 'validation'],
    ['a JSON array', [newUser()], 'validation'],
  ];
  for (const [what, body, type] of bad) {
    it(`answers ${what} with a 400 problem and creates nothing`, async () => {
      const res = await t.http.post('/api/auth/register').send(body as object);
      expectProblem(res, 400, type);
      expect(res.headers['set-cookie']).toBeUndefined();
      const email = (body as { email?: unknown }).email;
      if (typeof email === 'string') expect(await count('users', 'email = $1', [email.toLowerCase()])).toBe(0);
    });
  }

  it('accepts a 64-character passphrase', async () => {
    const user = { ...newUser(), password: 'the miners of Catavi marched on La Paz in April 1952 with dynamite' };
    expect(user.password.length).toBeGreaterThanOrEqual(64);
    await t.http.post('/api/auth/register').send(user).expect(201);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await t.http
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send('{"email": "malformed@example.org",');
    expectProblem(res, 400, 'malformed-json');
    expect(await count('users', 'email = $1', ['malformed@example.org'])).toBe(0);
  });

  it('answers an oversize body with 413 problem+json', async () => {
    const user = newUser();
    const res = await t.http
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...user, displayName: 'x'.repeat(4 * 1024 * 1024) }));
    expectProblem(res, 413, 'body-too-large');
    expect(await count('users', 'email = $1', [user.email.toLowerCase()])).toBe(0);
  });

  it('refuses a state-changing request from a foreign Origin with 403 and creates nothing', async () => {
    const user = newUser();
    const res = await t.http.post('/api/auth/register').set('Origin', 'https://evil.example').send(user);
    expectProblem(res, 403, 'forbidden');
    expect(await count('users', 'email = $1', [user.email.toLowerCase()])).toBe(0);
  });
});

describe('login and sessions', () => {
  it('logs in with the right password in any letter case of the email', async () => {
    const { user } = await register();
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: user.email.toUpperCase(), password: user.password })
      .expect(200);
    expect(res.body).toMatchObject({ email: user.email.toLowerCase() });
    sessionCookie(res);
  });

  it('answers a wrong password with 401 and no session', async () => {
    const { user, id } = await register();
    const before = await count('sessions', 'user_id = $1', [id]);
    const res = await t.http.post('/api/auth/login').send({ email: user.email, password: 'Wrong-password-1' });
    expectProblem(res, 401, 'invalid-credentials');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await count('sessions', 'user_id = $1', [id])).toBe(before);
  });

  it('gives an unknown email the same answer as a wrong password', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: 'nobody-here@example.org', password: 'Whatever-1952' });
    expectProblem(res, 401, 'invalid-credentials');
  });

  it('throttles repeated failures on one account with 429 and Retry-After, even for the right password', async () => {
    const { user } = await register();
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: `Wrong-${i}-password` })
        .expect(401);
    }
    const res = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    expectProblem(res, 429, 'rate-limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers GET /api/me without a session with 401', async () => {
    expectProblem(await t.http.get('/api/me'), 401, 'unauthenticated');
  });

  it('logs out: the cookie stops working', async () => {
    const { cookie } = await register();
    await t.http.post('/api/auth/logout').set('Cookie', cookie).expect(204);
    expectProblem(await t.http.get('/api/me').set('Cookie', cookie), 401, 'unauthenticated');
  });

  it('refuses an expired session and deletes it', async () => {
    const { cookie, id } = await register();
    await sql("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [id]);
    expectProblem(await t.http.get('/api/me').set('Cookie', cookie), 401, 'unauthenticated');
    expect(await count('sessions', 'user_id = $1', [id])).toBe(0);
  });

  it('extends a session used in the second half of its life (sliding expiry)', async () => {
    const { cookie, id } = await register();
    await sql("UPDATE sessions SET expires_at = now() + interval '3 days' WHERE user_id = $1", [id]);
    const res = await t.http.get('/api/me').set('Cookie', cookie).expect(200);
    expect(sessionCookie(res)).toBe(cookie);
    const [row] = await sql<{ expires_at: Date }>('SELECT expires_at FROM sessions WHERE user_id = $1', [id]);
    expect((row!.expires_at.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(29.9);
  });

  it('lists my sessions and revokes one, which then stops working', async () => {
    const { cookie, user } = await register();
    const other = sessionCookie(
      await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200),
    );
    const list = await t.http.get('/api/me/sessions').set('Cookie', cookie).expect(200);
    const items = (list.body as { items: { id: string; current: boolean }[] }).items;
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const target = items.find((s) => !s.current)!;
    await t.http.delete(`/api/me/sessions/${target.id}`).set('Cookie', cookie).expect(204);
    expectProblem(await t.http.get('/api/me').set('Cookie', other), 401);
    await t.http.get('/api/me').set('Cookie', cookie).expect(200);
    expectProblem(await t.http.delete(`/api/me/sessions/${target.id}`).set('Cookie', cookie), 404);
  });

  it("cannot revoke someone else's session", async () => {
    const a = await register();
    const b = await register();
    const bSessions = await t.http.get('/api/me/sessions').set('Cookie', b.cookie).expect(200);
    const bId = (bSessions.body as { items: { id: string }[] }).items[0]!.id;
    expectProblem(await t.http.delete(`/api/me/sessions/${bId}`).set('Cookie', a.cookie), 404);
    await t.http.get('/api/me').set('Cookie', b.cookie).expect(200);
  });

  it('logs out everywhere', async () => {
    const { cookie, user } = await register();
    const other = sessionCookie(
      await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }),
    );
    await t.http.post('/api/auth/logout-all').set('Cookie', cookie).expect(204);
    expectProblem(await t.http.get('/api/me').set('Cookie', cookie), 401);
    expectProblem(await t.http.get('/api/me').set('Cookie', other), 401);
  });

  it('changes the password, keeps this session and ends the others', async () => {
    const { cookie, user } = await register();
    const other = sessionCookie(
      await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }),
    );
    const wrong = await t.http
      .post('/api/me/password')
      .set('Cookie', cookie)
      .send({ currentPassword: 'nope-nope-nope', newPassword: 'Dual-power-1952!' });
    expectProblem(wrong, 400, 'wrong-password');
    const weak = await t.http
      .post('/api/me/password')
      .set('Cookie', cookie)
      .send({ currentPassword: user.password, newPassword: 'qwertyuiop' });
    expectProblem(weak, 400, 'weak-password');
    await t.http
      .post('/api/me/password')
      .set('Cookie', cookie)
      .send({ currentPassword: user.password, newPassword: 'Dual-power-1952!' })
      .expect(204);
    await t.http.get('/api/me').set('Cookie', cookie).expect(200);
    expectProblem(await t.http.get('/api/me').set('Cookie', other), 401);
    await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await t.http.post('/api/auth/login').send({ email: user.email, password: 'Dual-power-1952!' }).expect(200);
  });

  it('refuses a forged or garbage cookie', async () => {
    expectProblem(await t.http.get('/api/me').set('Cookie', 'scholia_session=abcdefghijklmnopqrstuvwxyz234567'), 401);
    expectProblem(await t.http.get('/api/me').set('Cookie', 'scholia_session=%%%'), 401);
  });
});

describe('conventions', () => {
  it('serves OpenAPI generated from the contracts and human docs', async () => {
    const res = await t.http.get('/api/openapi.json').expect(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/auth/register']?.post).toBeDefined();
    expect(doc.paths['/api/documents/{id}/annotations']?.get).toBeDefined();
    // Exports are documented with the media types they are served as, not as JSON.
    const mediaOf = (path: string) =>
      Object.keys((doc.paths[path]?.get as { responses: { 200: { content: object } } }).responses[200].content);
    expect(mediaOf('/api/documents/{id}/export')).toEqual(['application/ld+json', 'text/csv']);
    expect(mediaOf('/api/debates/{id}/export')).toEqual(['text/markdown', 'text/csv']);
    expect(mediaOf('/api/groups/{slug}/analytics')).toEqual(['application/json', 'text/csv']);
    const docs = await t.http.get('/api/docs').expect(200);
    expect(docs.text).toContain('/api/auth/login');
  });

  it('answers an unknown API path with a 404 problem', async () => {
    expectProblem(await t.http.get('/api/no-such-thing'), 404, 'no-route');
  });

  it('reports health with the database up', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });
});
