import type { AnnotationDto, AnnotationList } from '@scholia/shared';
import type { APIRequestContext, Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser } from '../support/app.js';
import { expectAccessible, launchBrowser } from '../support/browser.js';
import { closeDb } from '../support/db.js';
import { ESSAY, selectorsFor } from '../support/fixtures.js';
import { type RunningServer, startServer } from '../support/server.js';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startServer({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  await closeDb();
});

/** Pages on this small machine can take a few seconds to settle. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });

/** A browser of its own, signed in as a new user (the API call shares the context's cookies). */
async function person(
  name: string,
): Promise<{ context: BrowserContext; request: APIRequestContext; id: string; displayName: string }> {
  const context = await browser.newContext();
  contexts.push(context);
  const user = newUser(name);
  const res = await context.request.post(`${server.url}/api/auth/register`, {
    data: user,
    headers: { origin: server.url },
  });
  expect(res.status()).toBe(201);
  const me = (await res.json()) as { id: string; displayName: string };
  return { context, request: context.request, id: me.id, displayName: me.displayName };
}

async function call<T>(
  request: APIRequestContext,
  method: 'GET' | 'POST',
  path: string,
  data?: unknown,
  status = method === 'POST' ? 201 : 200,
): Promise<T> {
  const res = await request.fetch(`${server.url}${path}`, {
    method,
    headers: { origin: server.url },
    ...(data === undefined ? {} : { data }),
  });
  expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(status);
  return (await res.json()) as T;
}

it('an instructor hides a flagged annotation with a reason: its author sees why, another student the placeholder', async () => {
  const owner = await person('Instructor');
  const alice = await person('Author');
  const bob = await person('Reader');
  const group = await call<{ slug: string }>(owner.request, 'POST', '/api/groups', { name: 'Moderated seminar' });
  const invite = await call<{ code: string }>(owner.request, 'POST', `/api/groups/${group.slug}/invites`, {
    role: 'student',
  });
  for (const student of [alice, bob])
    await call(student.request, 'POST', '/api/groups/join', { code: invite.code }, 200);
  const doc = await call<{ id: string; text: string }>(owner.request, 'POST', `/api/groups/${group.slug}/documents`, {
    title: 'The Bolivian Revolution of 1952',
    format: 'text',
    content: ESSAY,
  });
  const note = await call<AnnotationDto>(alice.request, 'POST', `/api/documents/${doc.id}/annotations`, {
    target: selectorsFor(doc.text, 'the power of the working class'),
    text: 'Whoever disagrees with me has not read Trotsky.',
  });
  await call(bob.request, 'POST', `/api/annotations/${note.id}/flags`, { reason: 'Dismissive of other readers' });

  // The instructor finds it in the flag queue and hides it with a reason.
  const page = await owner.context.newPage();
  await page.goto(`${server.url}/groups/${group.slug}`);
  await page.getByRole('link', { name: 'Moderation' }).click();
  await page.waitForURL(`${server.url}/groups/${group.slug}/moderation`);
  await poll(() => page.getByRole('heading', { name: /flag queue/i }).count()).toBe(1);
  await poll(() => page.getByText('Dismissive of other readers').count()).toBe(1);
  await expectAccessible(page, '/groups/:slug/moderation (one flag)');

  // Hiding without a reason is stopped, with the error tied to the field.
  await page.getByRole('button', { name: 'Hide', exact: true }).click();
  await poll(() => page.getByRole('alert').filter({ hasText: 'Give a reason' }).count()).toBe(1);
  await page
    .getByLabel(/^Reason/)
    .first()
    .fill('Please argue with the text, not with other readers');
  await page.getByRole('button', { name: 'Hide', exact: true }).click();
  await poll(() =>
    page
      .getByRole('status')
      .filter({ hasText: /Hid the annotation/ })
      .count(),
  ).toBe(1);
  await poll(() => page.getByText('No open flags').count()).toBe(1);
  // The action is in the audit log on the same page.
  const log = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Reason' }) });
  await poll(() => log.getByRole('cell', { name: 'Please argue with the text, not with other readers' }).count()).toBe(
    1,
  );
  await expectAccessible(page, '/groups/:slug/moderation (after hiding)');

  // The author sees the item marked hidden, with the reason; another student sees only the placeholder.
  const forAlice = await call<AnnotationList>(alice.request, 'GET', `/api/documents/${doc.id}/annotations`);
  expect(forAlice.items.find((a) => a.id === note.id)).toMatchObject({
    text: 'Whoever disagrees with me has not read Trotsky.',
    moderation: { hidden: true, reason: 'Please argue with the text, not with other readers' },
  });
  const forBob = await call<AnnotationList>(bob.request, 'GET', `/api/documents/${doc.id}/annotations`);
  const masked = forBob.items.find((a) => a.id === note.id)!;
  expect(masked).toMatchObject({ text: '', moderation: { hidden: true, reason: null } });
  expect(masked.html).toContain('Hidden by a moderator');

  // Filtering the audit log by action keeps the hide.
  await page.getByLabel('Action').selectOption('hide');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/action=hide/);
  await poll(() => page.getByRole('cell', { name: 'Hid' }).count()).toBe(1);

  // The members and settings pages the moderation page links to.
  await page.getByRole('link', { name: 'Members and invites' }).click();
  await page.waitForURL(`${server.url}/groups/${group.slug}/members`);
  await poll(() => page.getByRole('row').filter({ hasText: alice.displayName }).count()).toBe(1);
  await poll(() => page.getByRole('heading', { name: 'Invite links' }).count()).toBe(1);
  await expectAccessible(page, '/groups/:slug/members');
  await page.goto(`${server.url}/groups/${group.slug}/settings`);
  await poll(() => page.getByLabel('Pre-moderation').count()).toBe(1);
  await expectAccessible(page, '/groups/:slug/settings');

  // Analytics: each student's part, sortable by any column, with the same numbers as the CSV download.
  await page.goto(`${server.url}/groups/${group.slug}/analytics`);
  const table = page.getByRole('table', { name: /Participation per student/ });
  const aliceRow = table.getByRole('row').filter({ hasText: alice.displayName });
  await poll(() => aliceRow.count()).toBe(1);
  // Alice wrote the one annotation; Bob wrote nothing.
  const cells = async (row: typeof aliceRow) => (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
  expect((await cells(aliceRow))[0]).toBe('1');
  expect((await cells(table.getByRole('row').filter({ hasText: bob.displayName })))[0]).toBe('0');
  await table.getByRole('button', { name: /^Annotations/ }).click();
  await poll(() => table.getByRole('columnheader', { name: /^Annotations/ }).getAttribute('aria-sort')).toMatch(
    /ascending|descending/,
  );
  await expectAccessible(page, '/groups/:slug/analytics');
  const csv = await page.request.get(
    new URL((await page.getByRole('link', { name: /Download CSV/ }).getAttribute('href'))!, server.url).href,
  );
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(alice.displayName);

  // A student cannot open the moderation page.
  const studentPage = await bob.context.newPage();
  const res = await studentPage.goto(`${server.url}/groups/${group.slug}/moderation`);
  expect(res?.status()).toBe(403);
}, 120_000);
