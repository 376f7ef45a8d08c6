import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DemoSeedService, DEMO_SLUG } from '../../apps/api/src/seed/demo-seed.service.js';
import { launchBrowser, expectAccessible } from '../support/browser.js';
import { closeDb, sql } from '../support/db.js';
import { newUser } from '../support/app.js';
import { startServer, type RunningServer } from '../support/server.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  await server.app.get(DemoSeedService).seed();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeDb();
});

it('registers, logs out, logs in, joins the demo seminar, reads the essay and logs out', async () => {
  const [invite] = await sql<{ code: string }>(
    "SELECT i.code FROM invites i JOIN groups g ON g.id = i.group_id WHERE g.slug = $1 AND i.role = 'student' LIMIT 1",
    [DEMO_SLUG],
  );
  const user = newUser('Browser');
  const page = await (await browser.newContext()).newPage();

  await page.goto(`${server.url}/register`);
  await expectAccessible(page, '/register');
  await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: /create account|register/i }).click();
  await page.waitForURL(`${server.url}/`);
  await expect.poll(() => page.getByRole('heading', { name: /my groups/i }).count()).toBe(1);
  await expectAccessible(page, '/ (signed in, no groups)');

  await page.getByRole('button', { name: /log out/i }).click();
  await page.waitForURL(/\/login/);
  await expectAccessible(page, '/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(`${server.url}/`);

  await page.goto(`${server.url}/join/${invite!.code}`);
  await page.waitForURL(new RegExp(`/groups/${DEMO_SLUG}$`));
  await expectAccessible(page, '/groups/:slug');
  await page
    .getByRole('link', { name: /Bolivian Revolution/i })
    .first()
    .click();
  await page.waitForURL(/\/documents\//);
  await expect.poll(() => page.getByRole('heading', { name: 'The Tin Republic' }).count()).toBe(1);
  await expect.poll(() => page.getByText('JOHN NEWSINGER').count()).toBeGreaterThan(0);
  await expectAccessible(page, 'reader');

  await page.getByRole('button', { name: /log out/i }).click();
  await page.waitForURL(/\/login/);
  const me = await page.request.get(`${server.url}/api/me`);
  expect(me.status()).toBe(401);
});

it('lists my sessions on the account page, revokes another one and changes the password', async () => {
  const user = newUser('Account');
  const elsewhere = server.agent();
  await elsewhere.post('/api/auth/register').set('User-Agent', 'Elsewhere/1.0').send(user).expect(201);
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(`${server.url}/`);

  await page.goto(`${server.url}/account`);
  const sessions = page.getByRole('table', { name: /Your sessions/ });
  await expect.poll(() => sessions.getByRole('row').count()).toBe(3);
  await expectAccessible(page, '/account');

  // Revoking the other session signs it out at once.
  await sessions.getByRole('button', { name: /^Revoke session/ }).click();
  await expect.poll(() => sessions.getByRole('row').count()).toBe(2);
  await elsewhere.get('/api/me').expect(401);

  // A wrong current password is refused, tied to its field; the right one changes it.
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect.poll(() => page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(page, '/account (wrong current password)');
  await page.getByLabel('Current password').fill(user.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect
    .poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: /password/i })
        .count(),
    )
    .toBe(1);
  const relogin = server.agent();
  await relogin.post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
  await relogin.post('/api/auth/login').send({ email: user.email, password: 'a brand new passphrase' }).expect(200);
});
