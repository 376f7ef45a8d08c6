/**
 * The authorization matrix: every endpoint × every kind of caller, generated from the shared route contracts.
 *
 * - Every route Nest registered under /api must have a contract in `routes` (or be one of the documentation routes
 *   listed in DOCUMENTATION_ROUTES), every contract must be registered, and every contract must have a rule in RULES.
 *   A new route without a rule fails here, by name.
 * - For each rule, each caller kind (anonymous, outsider, student A, student B, instructor, owner) gets the expected
 *   answer: 401 for anonymous callers on anything not public; 404 for whoever cannot see the resource (outsiders on
 *   group resources, other members on a private annotation); 403 for members who can see it but may not do this
 *   (students on instructor-only actions, non-authors editing); 2xx for callers who may.
 * - Bodies are valid, so that authorization, not validation, decides the answer.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteContract, routes } from '@scholia/shared';
import { createTestApp, newUser, type TestApp } from '../support/app.js';
import { closeDb } from '../support/db.js';
import { selectorsFor } from '../support/fixtures.js';

// ----- Callers -------------------------------------------------------------------------------------------------------

const CALLERS = ['anonymous', 'outsider', 'studentB', 'studentA', 'instructor', 'owner'] as const;
type Caller = (typeof CALLERS)[number];
type Person = { id: string; email: string; password: string; cookie: string };

/** `ok`: any 2xx; a number: exactly that status. */
type Outcome = 'ok' | 401 | 403 | 404 | 409;

/**
 * Who may use a route, which sets the expectation for every caller kind (a case can override single callers):
 * - public: anyone; user: anyone signed in;
 * - member: the group's members (outsiders get 404);
 * - instructor: the group's instructors and owner (students 403, outsiders 404);
 * - owner: the owner alone (instructors and students 403, outsiders 404);
 * - author: student A, whose item it is (other members 403, outsiders 404);
 * - private: student A's private item (everyone else 404, as if it did not exist).
 */
type Allow = 'public' | 'user' | 'member' | 'instructor' | 'owner' | 'author' | 'private';

const DEFAULTS: Record<Allow, Record<Caller, Outcome>> = {
  public: { anonymous: 'ok', outsider: 'ok', studentB: 'ok', studentA: 'ok', instructor: 'ok', owner: 'ok' },
  user: { anonymous: 401, outsider: 'ok', studentB: 'ok', studentA: 'ok', instructor: 'ok', owner: 'ok' },
  member: { anonymous: 401, outsider: 404, studentB: 'ok', studentA: 'ok', instructor: 'ok', owner: 'ok' },
  instructor: { anonymous: 401, outsider: 404, studentB: 403, studentA: 403, instructor: 'ok', owner: 'ok' },
  owner: { anonymous: 401, outsider: 404, studentB: 403, studentA: 403, instructor: 403, owner: 'ok' },
  author: { anonymous: 401, outsider: 404, studentB: 403, studentA: 'ok', instructor: 403, owner: 403 },
  private: { anonymous: 401, outsider: 404, studentB: 404, studentA: 'ok', instructor: 404, owner: 404 },
};

// ----- The seeded seminar ----------------------------------------------------------------------------------------------

const CONTENT =
  'The Bolivian revolution of 1952 raised the question of permanent revolution.\n\n' +
  'The petty bourgeoisie played an independent role, while the power of the working class grew in the tin mines.';

interface Fixture {
  people: Record<Exclude<Caller, 'anonymous'>, Person>;
  /** Owns another group, whose invite everyone may use. */
  host: Person;
  slug: string;
  documentId: string;
  text: string;
  /** Student A's annotation (group), student B's reply to it, student A's private annotation. */
  annA: string;
  replyB: string;
  privA: string;
  debateId: string;
  /** Student invite to the seminar; an invite to the host's group. */
  studentCode: string;
  otherGroupCode: string;
}

let t: TestApp;
let f: Fixture;
let counter = 0;

const cookieOf = (res: Response): string => {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('scholia_session='));
  if (!raw) throw new Error(`No session cookie in answer ${res.status}: ${res.text}`);
  return raw.split(';')[0]!;
};

type Method = RouteContract['method'];

/** A request with an explicit cookie (no cookie jar, so that answers setting cookies change no caller). */
async function send(method: Method, path: string, cookie: string | null, body?: unknown): Promise<Response> {
  let req = t.http[method](path);
  if (cookie) req = req.set('Cookie', cookie);
  return body === undefined ? req : req.send(body as object);
}

async function ok(method: Method, path: string, who: Person, body?: unknown): Promise<Record<string, any>> {
  const res = await send(method, path, who.cookie, body);
  if (res.status >= 300) throw new Error(`${method.toUpperCase()} ${path} → ${res.status}: ${res.text}`);
  return res.body as Record<string, any>;
}

async function register(name: string): Promise<Person> {
  const user = newUser(name);
  const res = await send('post', '/api/auth/register', null, user);
  if (res.status !== 201) throw new Error(`register → ${res.status}: ${res.text}`);
  return { id: (res.body as { id: string }).id, email: user.email, password: user.password, cookie: cookieOf(res) };
}

/** Another session of the same person. */
async function freshSession(p: Person): Promise<string> {
  const res = await send('post', '/api/auth/login', null, { email: p.email, password: p.password });
  if (res.status !== 200) throw new Error(`login → ${res.status}: ${res.text}`);
  return cookieOf(res);
}

async function invite(slug: string, role: 'student' | 'instructor'): Promise<{ id: string; code: string }> {
  return (await ok('post', `/api/groups/${slug}/invites`, f.people.owner, { role })) as { id: string; code: string };
}

/** A group like the seminar (same owner, instructor and students), for destructive routes. */
async function freshGroup(): Promise<string> {
  const g = await ok('post', '/api/groups', f.people.owner, { name: `Throwaway ${++counter}` });
  const slug = g.slug as string;
  const students = await invite(slug, 'student');
  const instructors = await invite(slug, 'instructor');
  await ok('post', '/api/groups/join', f.people.instructor, { code: instructors.code });
  for (const p of [f.people.studentA, f.people.studentB])
    await ok('post', '/api/groups/join', p, { code: students.code });
  return slug;
}

/** A new student of the seminar, as the target of member administration. */
async function freshStudent(): Promise<string> {
  const p = await register('Extra');
  await ok('post', '/api/groups/join', p, { code: f.studentCode });
  return p.id;
}

async function freshAnnotation(by: Person, visibility: 'group' | 'private' = 'group'): Promise<string> {
  const a = await ok('post', `/api/documents/${f.documentId}/annotations`, by, {
    target: selectorsFor(f.text, 'tin mines'),
    text: `Throwaway note ${++counter}`,
    visibility,
  });
  return a.id as string;
}

/** A reply by `by` in the thread of `annotationId` (each caller edits or deletes one of its own: version 1). */
async function freshReply(by: Person, annotationId: string): Promise<string> {
  const r = await ok('post', `/api/annotations/${annotationId}/replies`, by, { text: `Throwaway reply ${++counter}` });
  return r.id as string;
}

async function freshDocument(): Promise<string> {
  const d = await ok('post', `/api/groups/${f.slug}/documents`, f.people.owner, {
    title: `Throwaway ${++counter}`,
    format: 'text',
    content: CONTENT,
  });
  return d.id as string;
}

const annotationVersion = async (id: string, who: Person): Promise<number> => {
  const list = await ok('get', `/api/documents/${f.documentId}/annotations`, who);
  const a = (list.items as { id: string; version: number }[]).find((x) => x.id === id);
  if (!a) throw new Error(`annotation ${id} is not visible to its author`);
  return a.version;
};

const person = (c: Caller): Person | null => (c === 'anonymous' ? null : f.people[c]);
const NO_ID = '00000000-0000-4000-8000-000000000000';

// ----- The rules -------------------------------------------------------------------------------------------------------

type Params = Record<string, string>;
interface Case {
  label?: string;
  allow: Allow;
  expect?: Partial<Record<Caller, Outcome>>;
  params?: (c: Caller) => Params | Promise<Params>;
  query?: string | (() => string);
  body?: (c: Caller) => unknown; // may be async
  /** Send with another session of the caller (for routes that end the session they are sent with). */
  session?: 'fresh';
  after?: (c: Caller, res: Response, body: unknown) => Promise<void>;
}
type Rule = Case | Case[];

const slug = (): Params => ({ slug: f.slug });
const doc = (): Params => ({ id: f.documentId });
const annA = (): Params => ({ id: f.annA });
const privA = (): Params => ({ id: f.privA });
const debate = (): Params => ({ id: f.debateId });

/** Keyed by route name (and by `METHOD path` for the documentation routes, which have no contract). */
const RULES: Record<string, Rule> = {
  health: { allow: 'public' },
  register: { allow: 'public', body: () => newUser('Matrix') },
  login: {
    allow: 'public',
    body: (c) => {
      const p = person(c) ?? f.host;
      return { email: p.email, password: p.password };
    },
  },
  logout: { allow: 'user', session: 'fresh' },
  logoutAll: {
    allow: 'user',
    session: 'fresh',
    // Every session of the caller ended, the main one too: sign in again for the routes after this one.
    after: async (c) => {
      const p = person(c);
      if (p) p.cookie = await freshSession(p);
    },
  },
  me: { allow: 'user' },
  sessions: { allow: 'user' },
  revokeSession: {
    allow: 'user',
    params: async (c) => {
      const p = person(c);
      if (!p) return { id: 'abc123' };
      const other = await freshSession(p);
      const list = await send('get', '/api/me/sessions', other);
      const current = (list.body.items as { id: string; current: boolean }[]).find((s) => s.current);
      return { id: current!.id };
    },
  },
  changePassword: {
    allow: 'user',
    body: (c) => ({
      currentPassword: person(c)?.password ?? 'whatever-it-is',
      newPassword: `Tin-mines-${Date.now().toString(36)}-${++counter}-x`,
    }),
    // The password changed: remember it for signing in again later.
    after: (c, res, body) => {
      const p = person(c);
      if (p && res.status === 204) p.password = (body as { newPassword: string }).newPassword;
      return Promise.resolve();
    },
  },

  listGroups: { allow: 'user' },
  createGroup: { allow: 'user', body: () => ({ name: `Matrix group ${++counter}` }) },
  getGroup: { allow: 'member', params: slug },
  joinGroup: { allow: 'user', body: () => ({ code: f.otherGroupCode }) },
  createInvite: { allow: 'instructor', params: slug, body: () => ({ role: 'student', expiresInHours: 24 }) },
  updateGroup: { allow: 'instructor', params: slug, body: (c) => ({ description: `Edited by ${c}` }) },
  deleteGroup: { allow: 'owner', params: async () => ({ slug: await freshGroup() }) },
  listInvites: { allow: 'instructor', params: slug },
  revokeInvite: {
    allow: 'instructor',
    params: async () => ({ slug: f.slug, id: (await invite(f.slug, 'student')).id }),
  },
  listMembers: { allow: 'member', params: slug },
  updateMember: {
    allow: 'owner',
    params: async () => ({ slug: f.slug, userId: await freshStudent() }),
    body: () => ({ role: 'instructor' }),
  },
  removeMember: { allow: 'instructor', params: async () => ({ slug: f.slug, userId: await freshStudent() }) },
  // The owner may not leave (they must hand the group over first): a rule of the group, not of access.
  leaveGroup: { allow: 'member', expect: { owner: 409 }, params: async () => ({ slug: await freshGroup() }) },

  listDocuments: { allow: 'member', params: slug },
  importDocument: {
    allow: 'instructor',
    params: slug,
    body: () => ({ title: `Imported ${++counter}`, format: 'text', content: CONTENT }),
  },
  getDocument: { allow: 'member', params: doc },
  createRevision: {
    allow: 'instructor',
    params: async () => ({ id: await freshDocument() }),
    body: () => ({ content: `${CONTENT}\n\nA corrected ending.`, note: 'Typo' }),
  },
  listRevisions: { allow: 'member', params: doc },

  listAnnotations: { allow: 'member', params: doc },
  createAnnotation: {
    allow: 'member',
    params: doc,
    body: () => ({ target: selectorsFor(f.text, 'the power of the working class'), text: 'Matrix note' }),
  },
  patchAnnotation: [
    // The current version, so that a stale one (409) never hides the access decision.
    {
      label: "student A's annotation",
      allow: 'author',
      params: annA,
      body: async (c) => ({ version: await annotationVersion(f.annA, f.people.studentA), text: `Edited by ${c}` }),
    },
    {
      label: "student A's private annotation",
      allow: 'private',
      params: privA,
      body: async (c) => ({ version: await annotationVersion(f.privA, f.people.studentA), text: `Edited by ${c}` }),
    },
  ],
  deleteAnnotation: [
    {
      label: "student A's annotation",
      allow: 'author',
      params: async () => ({ id: await freshAnnotation(f.people.studentA) }),
    },
    {
      label: "student A's private annotation",
      allow: 'private',
      params: async () => ({ id: await freshAnnotation(f.people.studentA, 'private') }),
    },
  ],
  createReply: [
    {
      label: "on student A's annotation",
      allow: 'member',
      params: annA,
      body: () => ({ text: 'A matrix reply', move: 'question' }),
    },
    {
      label: "on student A's private annotation",
      allow: 'private',
      params: privA,
      body: () => ({ text: 'A matrix reply' }),
    },
  ],
  patchReply: [
    {
      label: "student A's reply",
      allow: 'author',
      params: async () => ({ id: await freshReply(f.people.studentA, f.annA) }),
      body: (c) => ({ version: 1, text: `Edited by ${c}` }),
    },
    {
      label: "student A's reply to their private annotation",
      allow: 'private',
      params: async () => ({ id: await freshReply(f.people.studentA, f.privA) }),
      body: (c) => ({ version: 1, text: `Edited by ${c}` }),
    },
  ],
  deleteReply: [
    {
      label: "student A's reply",
      allow: 'author',
      params: async () => ({ id: await freshReply(f.people.studentA, f.annA) }),
    },
    {
      label: "student A's reply to their private annotation",
      allow: 'private',
      params: async () => ({ id: await freshReply(f.people.studentA, f.privA) }),
    },
  ],
  reattachAnnotation: [
    // The author or an instructor.
    {
      label: "student A's annotation",
      allow: 'author',
      expect: { instructor: 'ok', owner: 'ok' },
      params: annA,
      body: () => ({ target: selectorsFor(f.text, 'permanent revolution') }),
    },
    {
      label: "student A's private annotation",
      allow: 'private',
      params: privA,
      body: () => ({ target: selectorsFor(f.text, 'petty bourgeoisie') }),
    },
  ],

  flagAnnotation: [
    { label: "student A's annotation", allow: 'member', params: annA, body: () => ({ reason: 'Off topic' }) },
    { label: "student A's private annotation", allow: 'private', params: privA, body: () => ({ reason: 'Off topic' }) },
  ],
  flagReply: { allow: 'member', params: () => ({ id: f.replyB }), body: () => ({ reason: 'Rude' }) },
  listFlags: { allow: 'instructor', params: slug },
  listPending: { allow: 'instructor', params: slug },
  moderate: {
    allow: 'instructor',
    params: slug,
    body: async () => ({ action: 'pin', targetType: 'annotation', targetId: await freshAnnotation(f.people.studentB) }),
  },
  auditLog: { allow: 'instructor', params: slug },

  exportDocument: [
    { label: 'JSON-LD', allow: 'member', params: doc, query: 'format=jsonld' },
    { label: 'CSV', allow: 'member', params: doc, query: 'format=csv' },
  ],
  groupAnalytics: [
    { label: 'JSON', allow: 'instructor', params: slug },
    { label: 'CSV', allow: 'instructor', params: slug, query: 'format=csv' },
  ],

  listDebates: { allow: 'member', params: doc },
  createDebate: {
    allow: 'instructor',
    params: doc,
    body: () => ({ question: `Matrix question ${++counter}?`, positions: [{ title: 'Yes' }, { title: 'No' }] }),
  },
  listGroupDebates: { allow: 'member', params: slug },
  getDebate: { allow: 'member', params: debate },
  patchDebate: { allow: 'instructor', params: debate, body: (c) => ({ question: `Why did the POR fail? (${c})` }) },
  debateBoard: { allow: 'member', params: debate },
  exportDebate: { allow: 'member', params: debate, query: 'format=csv' },
  stanceHistory: [
    { label: 'my own', allow: 'member', params: debate },
    // Student B asking for their own history is asking for their own: allowed.
    {
      label: "student B's",
      allow: 'instructor',
      expect: { studentB: 'ok' },
      params: debate,
      query: () => `userId=${f.people.studentB.id}`,
    },
  ],

  voteAnnotation: [
    // Nobody votes for their own item: a rule of voting (403), not of access.
    { label: "student A's annotation", allow: 'member', expect: { studentA: 403 }, params: annA },
    { label: "student A's private annotation", allow: 'private', expect: { studentA: 403 }, params: privA },
  ],
  voteReply: {
    label: "student B's reply",
    allow: 'member',
    expect: { studentB: 403 },
    params: () => ({ id: f.replyB }),
  },

  listNotifications: { allow: 'user' },
  markNotificationsRead: { allow: 'user', body: () => ({}) },

  // Documentation routes: public, and not in the contract list (they describe it).
  'get /api/openapi.json': { allow: 'public' },
  'get /api/docs': { allow: 'public' },
};

/** Registered /api routes that have no contract because they are the contract's own documentation. */
const DOCUMENTATION_ROUTES = ['get /api/openapi.json', 'get /api/docs'];

const contracts = routes as Record<string, RouteContract>;

function expectation(rule: Case, caller: Caller): Outcome {
  return rule.expect?.[caller] ?? DEFAULTS[rule.allow][caller];
}

function describeOutcome(o: Outcome): string {
  return o === 'ok' ? '2xx' : String(o);
}

const accessOf = (allow: Allow): RouteContract['access'] =>
  allow === 'public' ? 'public' : allow === 'user' ? 'user' : 'member';

// ----- Setup -----------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await createTestApp({
    POST_BURST: '100000',
    POST_PER_MINUTE: '100000',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
  });
  const [owner, instructor, studentA, studentB, outsider, host] = [
    await register('Owner'),
    await register('Instructor'),
    await register('Alice'),
    await register('Bob'),
    await register('Outsider'),
    await register('Host'),
  ];
  f = { people: { owner, instructor, studentA, studentB, outsider }, host } as Fixture;
  const g = await ok('post', '/api/groups', owner, { name: 'Matrix seminar' });
  f.slug = g.slug as string;
  const students = await invite(f.slug, 'student');
  const instructors = await invite(f.slug, 'instructor');
  f.studentCode = students.code;
  await ok('post', '/api/groups/join', instructor, { code: instructors.code });
  await ok('post', '/api/groups/join', studentA, { code: students.code });
  await ok('post', '/api/groups/join', studentB, { code: students.code });
  const d = await ok('post', `/api/groups/${f.slug}/documents`, owner, {
    title: 'The Bolivian Revolution',
    format: 'text',
    content: CONTENT,
  });
  f.documentId = d.id as string;
  f.text = d.text as string;
  f.annA = (
    await ok('post', `/api/documents/${f.documentId}/annotations`, studentA, {
      target: selectorsFor(f.text, 'permanent revolution'),
      text: 'Mine',
    })
  ).id as string;
  f.privA = (
    await ok('post', `/api/documents/${f.documentId}/annotations`, studentA, {
      target: selectorsFor(f.text, 'petty bourgeoisie'),
      text: 'Private',
      visibility: 'private',
    })
  ).id as string;
  f.replyB = (await ok('post', `/api/annotations/${f.annA}/replies`, studentB, { text: 'I disagree', move: 'rebut' }))
    .id as string;
  const debate = await send('post', `/api/documents/${f.documentId}/debates`, owner.cookie, {
    question: 'Why did the POR fail to take power?',
    positions: [{ title: 'Permanent revolution' }, { title: 'Deflected permanent revolution' }],
  });
  f.debateId = debate.status === 201 ? (debate.body as { id: string }).id : NO_ID;
  const other = await ok('post', '/api/groups', host, { name: 'Another seminar' });
  f.otherGroupCode = (
    (await ok('post', `/api/groups/${other.slug as string}/invites`, host, { role: 'student' })) as { code: string }
  ).code;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await closeDb();
});

// ----- The completeness checks -------------------------------------------------------------------------------------------

function registeredApiRoutes(): string[] {
  const instance = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    _router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const out: string[] = [];
  for (const layer of stack) {
    if (!layer.route || !layer.route.path.startsWith('/api')) continue;
    for (const [method, on] of Object.entries(layer.route.methods))
      if (on && method !== '_all') out.push(`${method} ${layer.route.path}`);
  }
  return out;
}

describe('authorization matrix: completeness', () => {
  it('finds the routes Nest registered', () => {
    expect(registeredApiRoutes().length).toBeGreaterThan(10);
  });

  it('every registered /api route has a contract in routes.ts', () => {
    const contracted = new Set(Object.values(contracts).map((r) => `${r.method} ${r.path}`));
    const missing = registeredApiRoutes().filter((r) => !contracted.has(r) && !DOCUMENTATION_ROUTES.includes(r));
    expect(
      missing,
      `Routes registered without a contract in packages/shared/src/routes.ts:\n  ${missing.join('\n  ')}`,
    ).toEqual([]);
  });

  it('every contract is served by the application', () => {
    const registered = new Set(registeredApiRoutes());
    const unserved = Object.entries(contracts)
      .filter(([, r]) => !registered.has(`${r.method} ${r.path}`))
      .map(([name, r]) => `${name} (${r.method.toUpperCase()} ${r.path})`);
    expect(unserved, `Contracts that no controller serves:\n  ${unserved.join('\n  ')}`).toEqual([]);
  });

  it('every route has a rule in the matrix (add one to RULES in tests/api/authz-matrix.test.ts)', () => {
    const missing = [
      ...Object.entries(contracts)
        .filter(([name]) => !RULES[name])
        .map(([name, r]) => `${name} (${r.method.toUpperCase()} ${r.path}, access: ${r.access})`),
      ...DOCUMENTATION_ROUTES.filter((r) => !RULES[r]),
    ];
    expect(missing, `Routes without an authorization rule:\n  ${missing.join('\n  ')}`).toEqual([]);
    const stale = Object.keys(RULES).filter((name) => !contracts[name] && !DOCUMENTATION_ROUTES.includes(name));
    expect(stale, `Rules for routes that no longer exist: ${stale.join(', ')}`).toEqual([]);
  });

  it("every rule agrees with its contract's access level", () => {
    const wrong: string[] = [];
    for (const [name, rule] of Object.entries(RULES)) {
      const contract = contracts[name];
      if (!contract) continue;
      for (const c of ([] as Case[]).concat(rule)) {
        if (accessOf(c.allow) !== contract.access)
          wrong.push(`${name}: contract says ${contract.access}, rule says ${c.allow}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

// ----- The matrix --------------------------------------------------------------------------------------------------------

const entries = Object.entries(RULES).flatMap(([name, rule]) => ([] as Case[]).concat(rule).map((c) => ({ name, c })));

describe('authorization matrix', () => {
  for (const { name, c } of entries) {
    const contract = contracts[name];
    const [method, docPath] = contract ? [contract.method, contract.path] : (name.split(' ') as [Method, string]);
    it(`${name}${c.label ? ` (${c.label})` : ''}: ${method.toUpperCase()} ${docPath}`, async () => {
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const p = person(caller);
        const params = c.params ? await c.params(caller) : {};
        const path = docPath.replace(/:(\w+)/g, (_, key: string) => {
          const v = params[key];
          if (v === undefined) throw new Error(`${name}: no value for :${key}`);
          return encodeURIComponent(v);
        });
        const query = typeof c.query === 'function' ? c.query() : c.query;
        const url = query ? `${path}?${query}` : path;
        const body = c.body ? await c.body(caller) : contract?.body ? {} : undefined;
        const cookie = p ? (c.session === 'fresh' ? await freshSession(p) : p.cookie) : null;
        const res = await send(method, url, cookie, body);
        const want = expectation(c, caller);
        const good = want === 'ok' ? res.status >= 200 && res.status < 300 : res.status === want;
        if (!good)
          failures.push(`${caller}: expected ${describeOutcome(want)}, got ${res.status} ${res.text.slice(0, 300)}`);
        else if (
          typeof want === 'number' &&
          !String(res.headers['content-type']).includes('application/problem+json')
        ) {
          failures.push(`${caller}: ${want} is not problem+json (${String(res.headers['content-type'])})`);
        }
        await c.after?.(caller, res, body);
      }
      expect(failures, `${name} ${method.toUpperCase()} ${docPath}`).toEqual([]);
    });
  }
});
