/// <reference lib="dom" />
// Page functions (page.evaluate) run in the browser and use the DOM.
import type { AnnotationDto, AnnotationList, ReplyDto } from '@scholia/shared';
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

/** Opens the reader on a card (its thread open) and waits until its socket has joined the document. */
async function openThread(page: Page, annotationId: string): Promise<void> {
  await page.goto(`${server.url}/groups/${s.slug}/documents/${s.documentId}#annotation-${annotationId}`);
  await poll(() => page.locator('.presence').textContent()).toMatch(/reading now/i);
  await poll(() => page.locator(`#annotation-${annotationId}-thread`).isVisible()).toBe(true);
}

/** The focused element: tag, accessible-ish name (label, aria-label or text), and whether its focus shows. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const label = el?.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent?.trim() : undefined;
    return `${el?.tagName.toLowerCase()}|${label ?? el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? ''}`;
  });
const focusShows = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return !!el && el.matches(':focus-visible') && getComputedStyle(el).outlineStyle !== 'none';
  });

it(
  'lets a student edit their reply from the keyboard (others see it live), then delete it after confirming',
  async () => {
    const note = (
      await s.alice.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({ target: selectorsFor(s.text, 'the power of the working class'), text: 'Whose power, exactly?' })
        .expect(201)
    ).body as AnnotationDto;
    const r = (
      await s.bob.agent
        .post(`/api/annotations/${note.id}/replies`)
        .send({ text: 'The miners, breifly.', move: 'support' })
        .expect(201)
    ).body as ReplyDto;

    const bob = await pageAs(s.bob);
    const alice = await pageAs(s.alice);
    await openThread(bob, note.id);
    await openThread(alice, note.id);
    const bobReply = bob.locator(`#reply-${r.id}`);
    const aliceReply = alice.locator(`#reply-${r.id}`);
    // Only the author is offered Edit and Delete.
    expect(await aliceReply.getByRole('button', { name: /^(Edit|Delete)/ }).count()).toBe(0);

    // Bob reaches Edit with the keyboard from the reply's Reply link; its name says which reply.
    await bobReply.getByRole('button', { name: /^Reply to/ }).focus();
    await bob.keyboard.press('Tab');
    await poll(() => focused(bob)).toBe('button|Edit your reply “The miners, breifly.”');
    expect(await focusShows(bob)).toBe(true);
    await bob.keyboard.press('Enter');

    // The editor opens in place, labelled, with the reply's text; focus in the box.
    const form = bobReply.getByRole('form', { name: 'Edit your reply' });
    await poll(() => focused(bob)).toBe('textarea|Your reply (Markdown)');
    expect(await form.getByLabel('Your reply').inputValue()).toBe('The miners, breifly.');
    await bob.keyboard.press('ControlOrMeta+KeyA');
    await bob.keyboard.type('The miners, **briefly**.');
    await expectAccessible(bob, 'reader with a reply being edited');

    // Escape closes the editor but keeps the draft; Edit brings it back.
    await bob.keyboard.press('Escape');
    await poll(() => focused(bob)).toMatch(/^button\|Edit your reply/);
    expect(await bobReply.locator('.note').textContent()).toBe('The miners, breifly.');
    await bob.keyboard.press('Enter');
    await poll(() => focused(bob)).toBe('textarea|Your reply (Markdown)');
    expect(await form.getByLabel('Your reply').inputValue()).toBe('The miners, **briefly**.');

    // Save from the keyboard.
    await bob.keyboard.press('Tab');
    await poll(() => focused(bob)).toBe('button|Save');
    await bob.keyboard.press('Enter');
    await poll(() => bobReply.locator('.note strong').textContent()).toBe('briefly');
    await poll(() => focused(bob)).toBe('button|Edit your reply “The miners, briefly.”');
    expect(await form.count()).toBe(0);

    // Alice's open page shows the new text without a reload.
    await poll(() => aliceReply.locator('.note').textContent()).toBe('The miners, briefly.');
    expect(await aliceReply.locator('.note strong').textContent()).toBe('briefly');

    // Delete: an inline question, the safe answer focused first; Bob confirms.
    await bob.keyboard.press('Tab');
    await poll(() => focused(bob)).toMatch(/^button\|Delete your reply/);
    await bob.keyboard.press('Enter');
    const confirm = bobReply.getByRole('group', { name: 'Delete this reply?' });
    await poll(() => confirm.count()).toBe(1);
    await poll(() => focused(bob)).toBe('button|No, keep it');
    expect(await focusShows(bob)).toBe(true);
    await bob.keyboard.press('Shift+Tab');
    await poll(() => focused(bob)).toBe('button|Yes, delete');
    await bob.keyboard.press('Enter');

    await poll(() => bobReply.getAttribute('aria-label')).toBe('Deleted reply');
    expect(await bobReply.locator('.deleted').textContent()).toBe('deleted');
    expect(await bobReply.getByRole('button', { name: /^(Edit|Delete)/ }).count()).toBe(0);
    await poll(() => aliceReply.getAttribute('aria-label')).toBe('Deleted reply');
    expect(await aliceReply.textContent()).not.toContain('briefly');

    const list = (await s.alice.agent.get(`/api/documents/${s.documentId}/annotations`).expect(200))
      .body as AnnotationList;
    expect(list.items.find((a) => a.id === note.id)?.replies).toEqual([
      expect.objectContaining({ id: r.id, deleted: true, text: '', author: null }),
    ]);
    expect(pageErrors).toEqual([]);
  },
  LONG,
);
