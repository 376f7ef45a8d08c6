/// <reference lib="dom" />
// Page functions (page.evaluate) run in the browser and use the DOM.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser } from '../support/app.js';
import { expectAccessible, launchBrowser } from '../support/browser.js';
import { closeDb } from '../support/db.js';
import { ESSAY, selectorsFor, signUp } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';

let server: RunningServer;
let browser: Browser;
let readerUrl: string;
let slug: string;
let owner: Awaited<ReturnType<typeof signUp>>;
const alice = newUser('Alice');
const bob = newUser('Bob');

const QUOTE = 'the power of the working class';
const PRIVATE_QUOTE = 'the petty-bourgeois nationalists of the MNR';

beforeAll(async () => {
  server = await startServer({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
  // A seminar whose students have passwords we know, so they log in through the pages.
  owner = await signUp(server, 'Owner');
  const group = await owner.agent.post('/api/groups').send({ name: 'Reader seminar' }).expect(201);
  slug = (group.body as { slug: string }).slug;
  const invite = await owner.agent.post(`/api/groups/${slug}/invites`).send({ role: 'student' }).expect(201);
  const code = (invite.body as { code: string }).code;
  for (const user of [alice, bob]) {
    const agent = server.agent();
    await agent.post('/api/auth/register').send(user).expect(201);
    await agent.post('/api/groups/join').send({ code }).expect(200);
  }
  const doc = await owner.agent
    .post(`/api/groups/${slug}/documents`)
    .send({ title: 'The Bolivian Revolution of 1952', format: 'text', content: ESSAY })
    .expect(201);
  readerUrl = `${server.url}/groups/${slug}/documents/${(doc.body as { id: string }).id}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeDb();
});

/** Uncaught errors and console errors of each page (hydration mismatches, failed effects…). */
const pageErrors: string[] = [];

async function logIn(user: { email: string; password: string; displayName: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${user.displayName}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      pageErrors.push(`${user.displayName}: ${m.text()}`);
  });
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

/** Opens the reader and waits until its socket has joined the document. */
async function openReader(page: Page, hash = ''): Promise<void> {
  await page.goto(readerUrl + hash);
  await expect.poll(() => page.locator('.presence').textContent(), { timeout: 10_000 }).toMatch(/reading now/i);
}

/** The text of all marks of one annotation, in order. */
function markedText(page: Page, id: string): Promise<string> {
  return page.evaluate(
    (id) => [...document.querySelectorAll(`mark[data-annotation-ids~="${id}"]`)].map((m) => m.textContent).join(''),
    id,
  );
}

/** Client rectangles of the first occurrence of `quote` in the document text. */
function quoteBox(page: Page, quote: string) {
  return page.evaluate((quote) => {
    const walker = document.createTreeWalker(document.querySelector('article.doc-text')!, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = (n as Text).data.indexOf(quote);
      if (at < 0) continue;
      (n.parentElement as HTMLElement).scrollIntoView({ block: 'center' });
      const first = document.createRange();
      first.setStart(n, at);
      first.setEnd(n, at + 1);
      const last = document.createRange();
      last.setStart(n, at + quote.length - 1);
      last.setEnd(n, at + quote.length);
      const a = first.getBoundingClientRect();
      const b = last.getBoundingClientRect();
      return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
    }
    throw new Error(`"${quote}" not found in the page`);
  }, quote);
}

/**
 * Selects from the first occurrence of `from` to the end of the first occurrence of `to` after it (default: `from`
 * itself) with a DOM Range, as the keyboard or a script would; the two may lie in different text nodes and blocks.
 */
function selectQuote(page: Page, from: string, to = from) {
  return page.evaluate(
    ([from, to]) => {
      const walker = document.createTreeWalker(document.querySelector('article.doc-text')!, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let started = false;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const data = (n as Text).data;
        if (!started) {
          const at = data.indexOf(from!);
          if (at < 0) continue;
          range.setStart(n, at);
          started = true;
          const end = data.indexOf(to!, at);
          if (end >= 0) {
            range.setEnd(n, end + to!.length);
            break;
          }
          continue;
        }
        const end = data.indexOf(to!);
        if (end >= 0) {
          range.setEnd(n, end + to!.length);
          break;
        }
      }
      if (!started) throw new Error(`"${from}" not found in the page`);
      const sel = document.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      (range.startContainer.parentElement as HTMLElement).scrollIntoView({ block: 'center' });
    },
    [from, to],
  );
}

/** Alice's or Bob's API calls from their browser session (same origin, same cookie). */
async function call(page: Page, method: 'get' | 'post' | 'patch', path: string, data?: unknown) {
  const res = await page.request.fetch(server.url + path, { method, data, headers: { origin: server.url } });
  const body: any = await res.json().catch(() => null);
  return { status: res.status(), body };
}

it(
  'annotates with the mouse, shows notes and replies live, keeps private notes private',
  { timeout: 180_000 },
  async () => {
    const a = await logIn(alice);
    const b = await logIn(bob);
    await openReader(a);
    await openReader(b);
    await expect.poll(() => b.locator('.presence').textContent()).toContain(alice.displayName);
    await expect.poll(() => a.locator('.presence').textContent()).toContain(bob.displayName);

    // Alice selects a passage with the mouse and annotates it.
    const box = await quoteBox(a, QUOTE);
    await a.mouse.move(box.x1, box.y1);
    await a.mouse.down();
    await a.mouse.move((box.x1 + box.x2) / 2, box.y2, { steps: 5 });
    await a.mouse.move(box.x2, box.y2, { steps: 5 });
    await a.mouse.up();
    await a.getByRole('button', { name: 'Annotate', exact: true }).click();
    const composer = a.getByRole('region', { name: 'New note' });
    await expect.poll(() => composer.locator('q').textContent()).toBe(QUOTE);
    await composer.getByLabel(/^Note/).fill('Is this **the** key claim of the introduction?');
    await composer.getByLabel(/^Tags/).fill('class, power');
    await composer.getByRole('button', { name: 'Save note' }).click();

    const card = a.locator('article.card', { hasText: 'key claim of the introduction' });
    await expect.poll(() => card.count()).toBe(1);
    const id = (await card.getAttribute('id'))!.replace('annotation-', '');
    expect(await markedText(a, id)).toBe(QUOTE);
    expect(await card.locator('strong').textContent()).toBe('the');

    // Bob sees it without reloading: highlight and card.
    await expect.poll(() => markedText(b, id), { timeout: 10_000 }).toBe(QUOTE);
    const bobCard = b.locator(`#annotation-${id}`);
    await expect.poll(() => bobCard.textContent()).toContain('key claim of the introduction');

    // Alice reloads: the highlight is at the same words (server-rendered first paint).
    const html = await (await a.request.get(readerUrl)).text();
    expect(html).toContain(`data-annotation-ids="${id}"`);
    await openReader(a);
    expect(await markedText(a, id)).toBe(QUOTE);

    // Clicking the highlight opens the card.
    await a.locator(`mark[data-annotation-ids~="${id}"]`).first().click();
    await expect.poll(() => a.evaluate(() => document.activeElement?.id)).toBe(`annotation-${id}`);

    // Bob replies with a move; Alice sees the reply live, in the open thread.
    await bobCard.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = bobCard.getByRole('form', { name: /your reply to/i });
    await form.getByRole('textbox').fill('The text says the opposite two pages later.');
    await form.getByLabel('Move').selectOption('rebut');
    await form.getByRole('button', { name: 'Post reply' }).click();
    await expect.poll(() => bobCard.locator('.replies').textContent()).toContain('opposite two pages later');
    const aliceThread = a.locator(`#annotation-${id}-thread`);
    await expect.poll(() => aliceThread.textContent(), { timeout: 10_000 }).toContain('opposite two pages later');
    expect(await aliceThread.locator('.move').first().textContent()).toBe('Rebut');
    await expectAccessible(a, 'reader with highlights and an open thread');

    // Deep link: the card opens and its passage is shown.
    await openReader(b, `#annotation-${id}`);
    await expect.poll(() => b.evaluate(() => document.activeElement?.id)).toBe(`annotation-${id}`);
    await expect.poll(() => b.locator(`#annotation-${id}-thread`).isVisible()).toBe(true);
    await expectAccessible(b, 'reader opened on a deep link');

    // Alice writes a private note from the keyboard shortcut.
    await selectQuote(a, PRIVATE_QUOTE);
    await a.keyboard.press('Alt+KeyA');
    await expect.poll(() => composer.locator('q').textContent()).toBe(PRIVATE_QUOTE);
    await composer.getByLabel(/^Note/).fill('Only for me: check Lora on the MNR.');
    await composer.getByLabel('Only me (private)').check();
    await composer.getByRole('button', { name: 'Save note' }).click();
    const privateCard = a.locator('article.card', { hasText: 'check Lora on the MNR' });
    await expect.poll(() => privateCard.count()).toBe(1);
    expect(await privateCard.locator('.badge-private').textContent()).toBe('Private');
    const privateId = (await privateCard.getAttribute('id'))!.replace('annotation-', '');
    expect(await markedText(a, privateId)).toBe(PRIVATE_QUOTE);

    // Bob never sees it: not live (a later public note does arrive), not after a reload.
    await selectQuote(a, 'elections to a Constituent Assembly');
    await a.keyboard.press('Alt+KeyA');
    await composer.getByLabel(/^Note/).fill('A public note after the private one.');
    await composer.getByRole('button', { name: 'Save note' }).click();
    await expect
      .poll(() => b.locator('article.card', { hasText: 'public note after the private one' }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    expect(await b.locator('article.card', { hasText: 'check Lora' }).count()).toBe(0);
    expect(await b.locator(`mark[data-annotation-ids~="${privateId}"]`).count()).toBe(0);
    await openReader(b);
    expect(await b.locator('article.card', { hasText: 'check Lora' }).count()).toBe(0);
    expect(await b.locator(`mark[data-annotation-ids~="${privateId}"]`).count()).toBe(0);
    expect(await markedText(b, id)).toBe(QUOTE);

    await a.context().close();
    await b.context().close();
  },
);

it(
  'holds live changes while writing, keeps drafts, handles edit conflicts, filters by address, works by keyboard',
  { timeout: 180_000 },
  async () => {
    const a = await logIn(alice);
    const b = await logIn(bob);
    await openReader(a);
    await openReader(b);
    const documentId = readerUrl.split('/').pop()!;

    // Alice starts a note; Bob sees that she is writing; his new note does not move her page but waits behind "1 new".
    await selectQuote(a, 'Hernan Siles');
    await a.keyboard.press('Alt+KeyA');
    const composer = a.getByRole('region', { name: 'New note' });
    await composer.getByLabel(/^Note/).pressSequentially('Siles returns: ', { delay: 20 });
    await expect.poll(() => b.locator('.typing-new').textContent(), { timeout: 10_000 }).toContain(alice.displayName);
    const quote = 'a profitable drugs trade';
    const bobs = await call(b, 'post', `/api/documents/${documentId}/annotations`, {
      target: { selector: [{ type: 'TextQuoteSelector', exact: quote }] },
      text: 'Bob on the drugs trade',
      tags: ['economy'],
    });
    expect(bobs.status).toBe(201);
    await expect.poll(() => a.getByRole('button', { name: '1 new' }).count(), { timeout: 10_000 }).toBe(1);
    expect(await a.locator(`#annotation-${bobs.body.id}`).count()).toBe(0);

    // The draft survives a reload.
    await openReader(a);
    await expect.poll(() => composer.getByLabel(/^Note/).inputValue()).toBe('Siles returns: ');
    expect(await composer.locator('q').textContent()).toBe('Hernan Siles');
    expect(await markedText(a, bobs.body.id)).toBe(quote);
    await composer.getByLabel(/^Note/).fill('Siles returns to power in 1982.');
    await composer.getByRole('button', { name: 'Save note' }).click();
    const saved = a.locator('article.card', { hasText: 'Siles returns to power' });
    await expect.poll(() => saved.count()).toBe(1);
    const silesId = (await saved.getAttribute('id'))!.replace('annotation-', '');
    const siles = a.locator(`#annotation-${silesId}`);

    // Edit conflict: another save lands while Alice edits; she keeps her text, reloads the note and saves again.
    await siles.getByRole('button', { name: 'Edit' }).click();
    await siles.getByLabel(/^Note/).fill('Siles returns to power in 1982, at the head of the UDP.');
    const other = await call(a, 'patch', `/api/annotations/${silesId}`, {
      version: 1,
      text: 'Saved from another tab.',
    });
    expect(other.status).toBe(200);
    await siles.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => siles.getByRole('alert').textContent()).toContain('Someone saved this note in between');
    expect(await siles.getByLabel(/^Note/).inputValue()).toBe(
      'Siles returns to power in 1982, at the head of the UDP.',
    );
    await siles.getByRole('button', { name: 'Reload the note' }).click();
    await expect.poll(() => siles.getByRole('alert').count()).toBe(0);
    await siles.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => siles.locator('.note').textContent())
      .toBe('Siles returns to power in 1982, at the head of the UDP.');
    await expect
      .poll(() => b.locator(`#annotation-${silesId} .note`).textContent(), { timeout: 10_000 })
      .toBe('Siles returns to power in 1982, at the head of the UDP.');

    // Filters live in the address: Bob's "mine" view, then a tag.
    await b.goto(`${readerUrl}?mine=true`);
    await expect.poll(() => b.locator('article.card').count()).toBe(1);
    expect(await b.locator(`#annotation-${bobs.body.id}`).count()).toBe(1);
    expect(await b.locator(`mark[data-annotation-ids~="${silesId}"]`).count()).toBe(0);
    await b.getByRole('radio', { name: 'Everyone’s' }).check();
    await b.getByLabel('Tag', { exact: true }).selectOption('economy');
    await expect.poll(() => new URL(b.url()).searchParams.get('tag')).toBe('economy');
    expect(new URL(b.url()).searchParams.get('mine')).toBeNull();
    expect(await b.locator('article.card').count()).toBe(1);
    await b.getByLabel('Search notes and replies').fill('drugs');
    await b.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => new URL(b.url()).searchParams.get('q')).toBe('drugs');
    await b.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => b.locator('article.card').count()).toBeGreaterThan(1);
    await expectAccessible(b, 'reader with filters open');

    // Keyboard only: New note, find the passage by its words, pick it, write, save.
    await b.getByRole('button', { name: 'New note' }).focus();
    await b.keyboard.press('Enter');
    await b.keyboard.type('betrayals and confrontations');
    await expect.poll(() => b.getByRole('button', { name: /use the passage/i }).count()).toBe(1);
    await b.keyboard.press('Tab');
    await b.keyboard.press('Enter');
    await expect.poll(() => b.evaluate(() => document.activeElement?.id)).toBe('composer-text');
    await b.keyboard.type('Written without a mouse.');
    await b.getByRole('region', { name: 'New note' }).getByRole('button', { name: 'Save note' }).focus();
    await b.keyboard.press('Enter');
    const typed = b.locator('article.card', { hasText: 'Written without a mouse.' });
    await expect.poll(() => typed.count()).toBe(1);
    const typedId = (await typed.getAttribute('id'))!.replace('annotation-', '');
    expect(await markedText(b, typedId)).toBe('betrayals and confrontations');
    // Show in text outlines the passage.
    await typed.getByRole('button', { name: 'Show in text' }).click();
    await expect.poll(() => b.locator(`mark.flash[data-annotation-ids~="${typedId}"]`).count()).toBeGreaterThan(0);

    await a.context().close();
    await b.context().close();
  },
);

it('maps selections across emoji, footnote markers and paragraphs to code points', { timeout: 120_000 }, async () => {
  const content =
    'Emoji 🎉🎉 first paragraph here.\n\nThen the naïve café ✊🏽 passage here, with a footnote [1] marker.\n\nAnother paragraph [2] after the 👍🏾 thumbs.';
  const doc = await owner.agent
    .post(`/api/groups/${slug}/documents`)
    .send({ title: 'Unicode', format: 'text', content })
    .expect(201);
  const { id: documentId, text } = doc.body as { id: string; text: string };
  const a = await logIn(alice);
  await a.goto(`${server.url}/groups/${slug}/documents/${documentId}`);
  await expect.poll(() => a.locator('.presence').textContent(), { timeout: 10_000 }).toMatch(/reading now/i);
  expect(await a.locator('sup.fn').count()).toBe(2);

  // From inside the second paragraph, over the footnote marker, into the third, ending after an emoji.
  await selectQuote(a, 'café', '👍🏾');
  await a.keyboard.press('Alt+KeyA');
  await a.getByRole('region', { name: 'New note' }).getByLabel(/^Note/).fill('Across blocks.');
  await a.getByRole('region', { name: 'New note' }).getByRole('button', { name: 'Save note' }).click();
  const card = a.locator('article.card', { hasText: 'Across blocks.' });
  await expect.poll(() => card.count()).toBe(1);
  const id = (await card.getAttribute('id'))!.replace('annotation-', '');
  const list = await call(a, 'get', `/api/documents/${documentId}/annotations`);
  const note = list.body.items.find((x: { id: string }) => x.id === id);
  const cps = [...text];
  const start = cps.join('').indexOf('café') === -1 ? -1 : [...text.slice(0, text.indexOf('café'))].length;
  const end = [...text.slice(0, text.indexOf('👍🏾') + '👍🏾'.length)].length;
  expect(note.anchor).toMatchObject({ status: 'anchored', start, end });
  expect(cps.slice(note.anchor.start, note.anchor.end).join('')).toBe(
    text.slice(text.indexOf('café'), text.indexOf('👍🏾') + '👍🏾'.length),
  );
  // The marks spell the passage, minus the line breaks between the blocks.
  expect(await markedText(a, id)).toBe(
    text.slice(text.indexOf('café'), text.indexOf('👍🏾') + '👍🏾'.length).replace(/\n+/g, ''),
  );

  // A one-emoji selection.
  await selectQuote(a, '🎉');
  await a.keyboard.press('Alt+KeyA');
  await a.getByRole('region', { name: 'New note' }).getByLabel(/^Note/).fill('Party.');
  await a.getByRole('region', { name: 'New note' }).getByRole('button', { name: 'Save note' }).click();
  const party = a.locator('article.card', { hasText: 'Party.' });
  await expect.poll(() => party.count()).toBe(1);
  const partyId = (await party.getAttribute('id'))!.replace('annotation-', '');
  expect(await markedText(a, partyId)).toBe('🎉');
  await expectAccessible(a, 'reader with overlapping Unicode highlights');
  await a.context().close();
  expect(pageErrors).toEqual([]);
});

it(
  'moves readers to a revised text live: at once when reading, when asked while writing, drafts kept',
  { timeout: 120_000 },
  async () => {
    const content =
      'The first paragraph names Carcia Meza once.\n\nThe second paragraph speaks of the rosea and their tin.\n\nA third paragraph closes the text.';
    const doc = await owner.agent
      .post(`/api/groups/${slug}/documents`)
      .send({ title: 'Revised live', format: 'text', content })
      .expect(201);
    const documentId = (doc.body as { id: string }).id;
    const url = `${server.url}/groups/${slug}/documents/${documentId}`;
    const note = await owner.agent
      .post(`/api/documents/${documentId}/annotations`)
      .send({ target: selectorsFor(content, 'the rosea and their tin'), text: 'Typo: rosca.' })
      .expect(201);
    const noteId = (note.body as { id: string }).id;
    const a = await logIn(alice);
    const b = await logIn(bob);
    for (const page of [a, b]) {
      await page.goto(url);
      await expect.poll(() => page.locator('.presence').textContent(), { timeout: 10_000 }).toMatch(/reading now/i);
    }

    // Alice is writing a note when the instructor inserts an opening paragraph and fixes two typos.
    await selectQuote(a, 'A third paragraph');
    await a.keyboard.press('Alt+KeyA');
    const composer = a.getByRole('region', { name: 'New note' });
    await composer.getByLabel(/^Note/).fill('Half-written thought');
    const revised = `A new opening paragraph, added in revision.\n\n${content.replace('Carcia', 'Garcia').replace('rosea', 'rosca')}`;
    await owner.agent
      .post(`/api/documents/${documentId}/revisions`)
      .send({ content: revised, note: 'Typos' })
      .expect(201);

    // Bob, only reading, is moved to the new text at once, the highlight on the corrected passage.
    await expect.poll(() => b.locator('.reader').getAttribute('data-revision'), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => markedText(b, noteId)).toBe('the rosca and their tin');
    expect(await b.getByText('A new opening paragraph').count()).toBe(1);

    // Alice is told, and keeps her page until she asks for the new text.
    const notice = a.getByRole('status').filter({ hasText: 'The text was revised' });
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    expect(await notice.textContent()).toContain('revision 2: Typos');
    expect(await a.locator('.reader').getAttribute('data-revision')).toBe('1');
    expect(await markedText(a, noteId)).toBe('the rosea and their tin');
    await expectAccessible(a, 'reader told of a revision');
    await a.getByRole('button', { name: 'Load the revised text' }).click();
    await expect.poll(() => a.locator('.reader').getAttribute('data-revision')).toBe('2');
    expect(await markedText(a, noteId)).toBe('the rosca and their tin');

    // Her draft survived, on its passage in the new text, and saves there.
    await expect.poll(() => composer.getByLabel(/^Note/).inputValue()).toBe('Half-written thought');
    expect(await composer.locator('q').textContent()).toBe('A third paragraph');
    await composer.getByRole('button', { name: 'Save note' }).click();
    const saved = a.locator('article.card', { hasText: 'Half-written thought' });
    await expect.poll(() => saved.count()).toBe(1);
    const savedId = (await saved.getAttribute('id'))!.replace('annotation-', '');
    expect(await markedText(a, savedId)).toBe('A third paragraph');

    await a.context().close();
    await b.context().close();
    expect(pageErrors).toEqual([]);
  },
);
