import { readFileSync } from 'node:fs';
import path from 'node:path';
import type supertest from 'supertest';
import { newUser, type TestApp } from './app.js';

export const ESSAY = readFileSync(path.resolve('prisma/demo/article-bolivian-revolution.txt'), 'utf8');

export interface Member {
  agent: supertest.Agent;
  id: string;
  handle: string;
  displayName: string;
}

/** The session token a cookie-keeping supertest agent holds (signed up or logged in through it). */
export function sessionOf(agent: supertest.Agent): string {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: object): { value: string } | undefined } })
    .jar;
  const cookie = jar.getCookie('scholia_session', { domain: '127.0.0.1', path: '/', secure: false, script: false });
  if (!cookie?.value) throw new Error('the agent holds no scholia_session cookie');
  return cookie.value;
}

/** The `scholia_session=…` pair of an agent's session, for a socket's handshake. */
export const cookieOf = (agent: supertest.Agent): string => `scholia_session=${sessionOf(agent)}`;

export async function signUp(t: TestApp, name = 'Reader'): Promise<Member> {
  const agent = t.agent();
  const res = await agent.post('/api/auth/register').send(newUser(name)).expect(201);
  const body = res.body as { id: string; handle: string; displayName: string };
  return { agent, id: body.id, handle: body.handle, displayName: body.displayName };
}

export type Seminar = Awaited<ReturnType<typeof seminar>>;

/** A seminar with an owner, two students and the essay imported; an outsider who belongs to nothing. */
export async function seminar(t: TestApp): Promise<{
  slug: string;
  documentId: string;
  text: string;
  owner: Member;
  alice: Member;
  bob: Member;
  outsider: Member;
}> {
  const owner = await signUp(t, 'Owner');
  const group = await owner.agent.post('/api/groups').send({ name: 'Bolivia seminar' }).expect(201);
  const slug = (group.body as { slug: string }).slug;
  const invite = await owner.agent.post(`/api/groups/${slug}/invites`).send({ role: 'student' }).expect(201);
  const code = (invite.body as { code: string }).code;
  const alice = await signUp(t, 'Alice');
  const bob = await signUp(t, 'Bob');
  await alice.agent.post('/api/groups/join').send({ code }).expect(200);
  await bob.agent.post('/api/groups/join').send({ code }).expect(200);
  const outsider = await signUp(t, 'Outsider');
  const doc = await owner.agent
    .post(`/api/groups/${slug}/documents`)
    .send({ title: 'The Bolivian Revolution of 1952', format: 'text', content: ESSAY })
    .expect(201);
  const body = doc.body as { id: string; text: string };
  return { slug, documentId: body.id, text: body.text, owner, alice, bob, outsider };
}

/** W3C selectors for the first occurrence of `quote`, in code points. */
export function selectorsFor(text: string, quote: string): { selector: object[] } {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`"${quote}" is not in the text`);
  const start = [...text.slice(0, at)].length;
  const end = start + [...quote].length;
  return {
    selector: [
      { type: 'TextPositionSelector', start, end },
      {
        type: 'TextQuoteSelector',
        exact: quote,
        prefix: [...text.slice(0, at)].slice(-32).join(''),
        suffix: [...text.slice(at + quote.length)].slice(0, 32).join(''),
      },
    ],
  };
}
