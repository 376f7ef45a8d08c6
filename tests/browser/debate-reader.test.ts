/// <reference lib="dom" />
// Page functions (page.evaluate) run in the browser and use the DOM.
import type { AnnotationDto, DebateDto } from '@scholia/shared';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible } from '../support/browser.js';
import { LONG, PATIENCE, useBrowserSeminar } from '../support/browser-seminar.js';
import { selectorsFor, type Seminar } from '../support/fixtures.js';
import type { RunningServer } from '../support/server.js';

let server: RunningServer;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, PATIENCE);
let s: Seminar;
const { pageAs, pageErrors } = useBrowserSeminar((world) => ({ server, s } = world));

const ALICE_PASSAGE =
  'That the trotskyists within the working class movement were never able to transform this dual power into workers’ power';
const BOB_PASSAGE = 'The MNR had the intention of nationalising the mines itself';
const PLAIN_PASSAGE = 'Initially, the POR had a strong position within the COB';
const POSITIONS = [
  { title: 'Permanent revolution: the party failed', statement: 'A subjective failure of the POR.' },
  {
    title: 'Deflected permanent revolution: objective conditions',
    statement: 'The petty bourgeoisie could play an independent role.',
  },
];

/** The id and label of the focused element, to follow the keyboard. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const label = el?.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent?.trim() : undefined;
    return `${el?.tagName.toLowerCase()}|${label ?? el?.textContent?.trim() ?? ''}`;
  });

/** What a highlight says about its stance: data attributes, title, and the text of its description. */
const markInfo = (page: Page, id: string) =>
  page.evaluate((id) => {
    const mark = document.querySelector<HTMLElement>(`mark[data-annotation-ids~="${id}"]`);
    if (!mark) return null;
    const described = (mark.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((ref) => document.getElementById(ref)?.textContent?.trim() ?? `missing #${ref}`);
    return {
      stance: mark.dataset.stance ?? null,
      position: mark.dataset.position ?? null,
      title: mark.title,
      described,
      background: getComputedStyle(mark).backgroundColor,
      line: getComputedStyle(mark).textDecorationStyle,
    };
  }, id);

it(
  'keeps peers’ stances sealed until the student posts one from the composer, then colours both by position',
  async () => {
    const debate = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/debates`)
        .send({
          question: 'Why did the POR fail to take power in 1952–53?',
          positions: POSITIONS,
          mode: 'commit-reveal',
        })
        .expect(201)
    ).body as DebateDto;
    const [party, conditions] = debate.positions as [DebateDto['positions'][0], DebateDto['positions'][0]];
    const alice = (
      await s.alice.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({
          target: selectorsFor(s.text, ALICE_PASSAGE),
          text: 'Alice: the party never built its own organs of power.',
          stance: { positionId: party.id, side: 'for' },
        })
        .expect(201)
    ).body as AnnotationDto;
    const plain = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({ target: selectorsFor(s.text, PLAIN_PASSAGE), text: 'Read this closely.' })
        .expect(201)
    ).body as AnnotationDto;

    const page = await pageAs(s.bob);
    const readerUrl = `${server.url}/groups/${s.slug}/documents/${s.documentId}`;
    await page.goto(readerUrl);
    await poll(() => page.locator('.presence').textContent()).toMatch(/reading now/i);

    // Bob colours the highlights by the debate; the choice goes into the address.
    await page.getByLabel('Colour by debate').selectOption(debate.id);
    await poll(() => new URL(page.url()).searchParams.get('debate')).toBe(debate.id);
    const legend = page.getByRole('region', { name: 'Positions' });
    const legendRow = (title: string) => legend.getByRole('listitem').filter({ hasText: title });
    await poll(() => legendRow(party.title).textContent()).toContain('0 for, 0 against');
    expect(await legendRow(conditions.title).textContent()).toContain('0 for, 0 against');
    expect(await legend.getByText(/Commit, then reveal/).count()).toBe(1);

    // Sealed: nothing of Alice's argument reaches Bob; the owner's plain note steps back.
    expect(await page.locator(`mark[data-annotation-ids~="${alice.id}"]`).count()).toBe(0);
    expect(await page.locator(`#annotation-${alice.id}`).count()).toBe(0);
    expect(await page.locator('mark.hl[data-stance="for"], mark.hl[data-stance="against"]').count()).toBe(0);
    await poll(async () => (await markInfo(page, plain.id))?.stance).toBe('none');
    expect(await page.locator('.minimap [data-position]').count()).toBe(0);

    // Bob writes a note from the keyboard: New note, find the passage, pick it, write, take a stance, save.
    await page.getByRole('button', { name: 'New note' }).focus();
    await page.keyboard.press('Enter');
    const composer = page.getByRole('region', { name: 'New note' });
    await poll(() => focused(page)).toBe('input|Passage');
    await page.keyboard.type(BOB_PASSAGE);
    await poll(() => composer.getByRole('button', { name: /Use the passage/ }).count()).toBe(1);
    await page.keyboard.press('Tab');
    await poll(() => focused(page)).toMatch(/^button\|Use the passage/);
    await page.keyboard.press('Enter');
    await poll(() => composer.locator('q').textContent()).toBe(BOB_PASSAGE);
    await poll(() => focused(page)).toMatch(/^textarea\|Note/);
    await page.keyboard.type('Bob: the MNR moved first, the conditions decided it.');
    await page.keyboard.press('Tab');
    await poll(() => focused(page)).toMatch(/^input\|Tags/);
    await page.keyboard.press('Tab');
    await poll(() => focused(page)).toBe('select|Position');
    // The picker offers the debate's positions, numbered as in the legend; Bob argues against the second.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const position = composer.getByLabel('Position', { exact: true });
    await poll(() => position.inputValue()).toBe(conditions.id);
    expect(await composer.getByText(/Once you post it, you will see your classmates’ stances/).count()).toBe(1);
    await page.keyboard.press('Tab');
    await poll(() => focused(page)).toMatch(/^input\|/);
    expect(await composer.getByRole('radio', { name: 'For' }).isChecked()).toBe(true);
    await page.keyboard.press('ArrowRight');
    await poll(() => composer.getByRole('radio', { name: 'Against' }).isChecked()).toBe(true);
    await expectAccessible(page, 'reader with the stance picker');
    await composer.getByRole('button', { name: 'Save note' }).focus();
    await page.keyboard.press('Enter');

    const bobCard = page.locator('article.card', { hasText: 'the MNR moved first' });
    await poll(() => bobCard.count()).toBe(1);
    const bobId = (await bobCard.getAttribute('id'))!.replace('annotation-', '');
    expect(await bobCard.locator('.stance-badge').textContent()).toContain(`Against “${conditions.title}”`);

    // Posting opened the debate to Bob: Alice's argument appears without a reload, both coloured by position.
    await poll(() => page.locator(`#annotation-${alice.id}`).count()).toBe(1);
    await poll(async () => (await markInfo(page, alice.id))?.stance).toBe('for');
    await poll(async () => (await markInfo(page, bobId))?.stance).toBe('against');
    const a = (await markInfo(page, alice.id))!;
    const b = (await markInfo(page, bobId))!;
    expect(a).toMatchObject({ stance: 'for', position: party.id, line: 'solid' });
    expect(b).toMatchObject({ stance: 'against', position: conditions.id, line: 'dashed' });
    expect(a.title).toBe(`For “${party.title}”`);
    expect(b.described).toEqual([`Stance: Against “${conditions.title}”`]);
    expect(a.described).toEqual([`Stance: For “${party.title}”`]);
    expect(a.background).not.toBe(b.background);
    expect(await page.locator(`#annotation-${alice.id} .stance-badge`).textContent()).toContain(`For “${party.title}”`);
    expect((await markInfo(page, plain.id))?.stance).toBe('none');

    // The legend counts both arguments and the sealed notice is gone.
    await poll(() => legendRow(party.title).textContent()).toContain('1 for, 0 against');
    expect(await legendRow(conditions.title).textContent()).toContain('0 for, 1 against');
    await poll(() => legend.getByText(/Commit, then reveal/).count()).toBe(0);

    // The minimap marks where each position's evidence lies, and says so in words.
    await poll(() => page.locator(`.minimap [data-position="${party.id}"][data-side="for"]`).count()).toBe(1);
    expect(await page.locator(`.minimap [data-position="${conditions.id}"][data-side="against"]`).count()).toBe(1);
    const summary = page.getByRole('region', { name: 'Where each position’s evidence lies in the text' });
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(
        new RegExp(`^1\\. ${party.title}: 1 passage for \\(at \\d+% of the text\\); 0 passages against\\.$`),
      ),
      expect.stringMatching(
        new RegExp(`^2\\. ${conditions.title}: 0 passages for; 1 passage against \\(at \\d+% of the text\\)\\.$`),
      ),
    ]);
    await expectAccessible(page, 'reader coloured by debate');

    // Filter by position: only threads arguing about it, on the side asked for; the filter lives in the address.
    await page.locator('summary', { hasText: 'Filters and search' }).click();
    await page.getByLabel('Position argued').selectOption(party.id);
    await poll(() => page.locator('article.card').count()).toBe(1);
    expect(await page.locator(`#annotation-${alice.id}`).count()).toBe(1);
    await page.getByLabel('Side', { exact: true }).selectOption('against');
    await poll(() => page.locator('article.card').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('side')).toBe('against');
    await page.getByLabel('Position argued').selectOption(conditions.id);
    await poll(() => page.locator(`#annotation-${bobId}`).count()).toBe(1);
    expect(await page.locator('article.card').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('position')).toBe(conditions.id);
    await expectAccessible(page, 'reader filtered by position');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => page.locator('article.card').count()).toBe(3);
    expect(new URL(page.url()).searchParams.has('position')).toBe(false);

    // The view survives a reload (it is in the address), and "None" turns it off.
    await page.reload();
    await poll(() => page.getByLabel('Colour by debate').inputValue()).toBe(debate.id);
    await poll(async () => (await markInfo(page, alice.id))?.stance).toBe('for');
    await page.getByLabel('Colour by debate').selectOption('');
    await poll(() => new URL(page.url()).searchParams.has('debate')).toBe(false);
    await poll(async () => (await markInfo(page, alice.id))?.stance ?? null).toBe(null);
    expect(await page.locator('.minimap [data-position]').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  },
  LONG,
);

it(
  'offers no stance for a closed debate, which can still colour the highlights',
  async () => {
    const debate = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/debates`)
        .send({ question: 'Was the COB a soviet?', positions: [{ title: 'Yes' }, { title: 'No' }], mode: 'open' })
        .expect(201)
    ).body as DebateDto;
    await s.owner.agent.patch(`/api/debates/${debate.id}`).send({ status: 'closed' }).expect(200);
    const page = await pageAs(s.alice);
    await page.goto(`${server.url}/groups/${s.slug}/documents/${s.documentId}?debate=${debate.id}`);
    await poll(() => page.getByLabel('Colour by debate').inputValue()).toBe(debate.id);
    expect(await page.getByRole('region', { name: 'Positions' }).getByText('This debate is closed.').count()).toBe(1);
    await page.getByRole('button', { name: 'New note' }).click();
    const composer = page.getByRole('region', { name: 'New note' });
    await poll(() => composer.count()).toBe(1);
    // Only the first test's (open) debate is offered.
    const options = await composer
      .getByLabel('Position', { exact: true })
      .locator('option')
      .evaluateAll((els) => els.map((e) => e.textContent?.trim()));
    expect(options).toEqual(['No stance', `1. ${POSITIONS[0]!.title}`, `2. ${POSITIONS[1]!.title}`]);
    await composer.getByRole('button', { name: 'Cancel' }).click();

    // A reply takes a stance too (its thread's passage is the evidence), shown on the reply.
    const card = page.locator('article.card', { hasText: 'Read this closely.' });
    await card.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = card.getByRole('form', { name: /your reply to/i });
    await form.getByRole('textbox').fill('Alice again: the party, not the conditions.');
    await form.getByLabel('Position', { exact: true }).selectOption({ label: `1. ${POSITIONS[0]!.title}` });
    await form.getByRole('radio', { name: 'For' }).check();
    // It cites another passage as evidence, found by typing a few of its words (the keyboard's way to a selection).
    await form.getByRole('button', { name: 'Cite a passage' }).click();
    await poll(() => focused(page)).toBe('input|Cite a passage');
    await page.keyboard.type('intention of nationalising');
    await form.getByRole('button', { name: /^Cite the passage: / }).click();
    await poll(() => form.locator('.cited q').allTextContents()).toEqual(['intention of nationalising']);
    expect(await form.getByText('the passages you cite').count()).toBe(1);
    // Or by selecting it in the text while the reply form is open.
    await page.evaluate((quote) => {
      const walker = document.createTreeWalker(document.querySelector('article.doc-text')!, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = (n as Text).data.indexOf(quote);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + quote.length);
        document.getSelection()!.removeAllRanges();
        document.getSelection()!.addRange(range);
        return;
      }
      throw new Error(`"${quote}" not found`);
    }, 'the petty bourgeoisie');
    await page.getByRole('button', { name: /^Cite in your reply to / }).click();
    await poll(() => form.locator('.cited q').allTextContents()).toEqual([
      'intention of nationalising',
      'the petty bourgeoisie',
    ]);
    await expectAccessible(page, 'reply form citing passages');
    await form.getByRole('button', { name: 'Post reply' }).click();
    const reply = card.getByRole('article', { name: new RegExp(`^Comment by ${s.alice.displayName}, For`) });
    await poll(() => reply.count()).toBe(1);
    expect(await reply.locator('.stance-badge').textContent()).toContain(`For “${POSITIONS[0]!.title}”`);
    const citations = reply.getByRole('list', { name: 'Passages cited' });
    expect(await citations.locator('q').allTextContents()).toEqual([
      'intention of nationalising',
      'the petty bourgeoisie',
    ]);
    // "Show in text" outlines the cited passage in the document.
    await citations
      .getByRole('button', { name: /^Show in text/ })
      .first()
      .click();
    await poll(() =>
      page.evaluate(() => [...document.querySelectorAll('mark.cited')].map((m) => m.textContent).join('')),
    ).toBe('intention of nationalising');

    // A debate posed while the page is open is offered live.
    await s.owner.agent
      .post(`/api/documents/${s.documentId}/debates`)
      .send({ question: 'Posed just now?', positions: [{ title: 'Yes' }, { title: 'No' }], mode: 'open' })
      .expect(201);
    await poll(() =>
      page.getByLabel('Colour by debate').locator('option', { hasText: 'Posed just now?' }).count(),
    ).toBe(1);
    expect(pageErrors).toEqual([]);
  },
  LONG,
);
