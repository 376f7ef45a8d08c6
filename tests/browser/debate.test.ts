import type { AnnotationDto, DebateDto } from '@scholia/shared';
import { expect, it } from 'vitest';
import { expectAccessible } from '../support/browser.js';
import { LONG, PATIENCE, useBrowserSeminar } from '../support/browser-seminar.js';
import { selectorsFor, type Seminar } from '../support/fixtures.js';
import type { RunningServer } from '../support/server.js';

let server: RunningServer;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, PATIENCE);
let s: Seminar;
const { pageAs } = useBrowserSeminar((world) => ({ server, s } = world));

const PASSAGE =
  'That the trotskyists within the working class movement were never able to transform this dual power into workers’ power';
const POSITIONS = [
  { title: 'Permanent revolution: the party failed', statement: 'A subjective failure of the POR.' },
  {
    title: 'Deflected permanent revolution: objective conditions',
    statement: 'The petty bourgeoisie could play an independent role.',
  },
];

it(
  'shows two students’ opposite stances on the same passage side by side, with the passage marked contested',
  async () => {
    const debate = (
      await s.owner.agent
        .post(`/api/documents/${s.documentId}/debates`)
        .send({ question: 'Why did the POR fail to take power in 1952–53?', positions: POSITIONS })
        .expect(201)
    ).body as DebateDto;
    const [party, conditions] = debate.positions;
    const target = selectorsFor(s.text, PASSAGE);
    const alice = (
      await s.alice.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({ target, text: 'Alice: the trotskyists failed here.', stance: { positionId: party!.id, side: 'for' } })
        .expect(201)
    ).body as AnnotationDto;
    const bob = (
      await s.bob.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({
          target,
          text: 'Bob: the conditions made it impossible.',
          stance: { positionId: party!.id, side: 'against' },
        })
        .expect(201)
    ).body as AnnotationDto;
    await s.bob.agent.post(`/api/annotations/${alice.id}/vote`).expect(200);

    const page = await pageAs(s.alice);
    await page.goto(`${server.url}/groups/${s.slug}/debates/${debate.id}`);
    await poll(() => page.getByRole('heading', { level: 1, name: debate.question }).count()).toBe(1);
    for (const p of POSITIONS)
      expect(await page.getByRole('heading', { level: 2, name: new RegExp(p.title) }).count()).toBe(1);

    // Both arguments, under the first position: Alice's for, Bob's against, each quoting the passage and linking to it.
    const first = page.getByRole('region', { name: new RegExp(POSITIONS[0]!.title) });
    await poll(() => first.getByText('Alice: the trotskyists failed here.').count()).toBe(1);
    expect(await first.getByText('Bob: the conditions made it impossible.').count()).toBe(1);
    expect(await first.getByRole('heading', { name: /^For/ }).count()).toBe(1);
    const quoteLinks = first.getByRole('link', { name: new RegExp(PASSAGE.slice(0, 40)) });
    expect(await quoteLinks.count()).toBe(2);
    const hrefs = await quoteLinks.evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(hrefs.sort()).toEqual(
      [alice.id, bob.id].map((id) => `/groups/${s.slug}/documents/${s.documentId}#annotation-${id}`).sort(),
    );
    expect(await first.getByText('1 vote', { exact: true }).count()).toBe(1);
    expect(await first.getByText('Contested', { exact: true }).count()).toBe(2);
    expect(
      await page
        .getByRole('region', { name: new RegExp(POSITIONS[1]!.title) })
        .getByText(/No arguments for yet/)
        .count(),
    ).toBe(1);

    // The contested passages section and who argued what.
    const contested = page.getByRole('region', { name: 'Contested passages' });
    expect(await contested.getByText(/dual power into workers’ power/).count()).toBe(1);
    expect(await contested.getByText(/^For$/).count()).toBe(1);
    expect(await contested.getByText(/^Against$/).count()).toBe(1);
    const who = page.getByRole('region', { name: 'Who argued what' });
    expect(await who.getByRole('rowheader', { name: s.alice.displayName }).count()).toBe(1);
    expect(await who.getByRole('rowheader', { name: s.bob.displayName }).count()).toBe(1);

    // Positions side by side on a wide screen, stacked on a narrow one.
    const boxes = async () =>
      Promise.all(POSITIONS.map((p) => page.getByRole('region', { name: new RegExp(p.title) }).boundingBox()));
    const [a, b] = await boxes();
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    await expectAccessible(page, 'debate board');
    await page.setViewportSize({ width: 420, height: 900 });
    const [c, d] = await boxes();
    expect(d!.y).toBeGreaterThan(c!.y + c!.height - 1);
    await expectAccessible(page, 'debate board (narrow)');

    // Alice changes her mind in a new note for the other position; the board keeps how her stance changed.
    await s.alice.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({
        target: selectorsFor(s.text, 'The MNR had the intention of nationalising the mines itself'),
        text: 'On reflection, the conditions decided it.',
        stance: { positionId: conditions!.id, side: 'for' },
      })
      .expect(201);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    const mine = page.getByRole('region', { name: 'Your stance' });
    await poll(() => mine.textContent()).toContain(`You argue For “${POSITIONS[1]!.title}”`);
    const steps = await mine.getByRole('listitem').allTextContents();
    expect(steps).toHaveLength(2);
    expect(steps[0]).toContain(`For “${POSITIONS[0]!.title}”`);
    expect(steps[1]).toMatch(new RegExp(`For “${POSITIONS[1]!.title}”\\s*current`));
    const aliceRow = who.getByRole('row').filter({ has: page.getByRole('rowheader', { name: s.alice.displayName }) });
    expect(await aliceRow.textContent()).toContain('(changed)');
    await aliceRow.getByText(`How ${s.alice.displayName}’s stance changed`).click();
    expect(await aliceRow.locator('details li').count()).toBe(2);
    await expectAccessible(page, 'debate board with a changed stance');

    // The board is live: Bob's new argument appears on Alice's open board without a reload.
    await poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: /^\s*Live:/ })
        .count(),
    ).toBe(1);
    await s.bob.agent
      .post(`/api/documents/${s.documentId}/annotations`)
      .send({
        target: selectorsFor(s.text, 'Initially, the POR had a strong position within the COB'),
        text: 'Bob, live: the POR was strong and it still did not matter.',
        stance: { positionId: conditions!.id, side: 'for' },
      })
      .expect(201);
    await poll(() =>
      page
        .getByRole('region', { name: new RegExp(POSITIONS[1]!.title) })
        .getByText('Bob, live: the POR was strong and it still did not matter.')
        .count(),
    ).toBe(1);

    // Students get no instructor controls; the instructor closes the debate from the board.
    expect(await page.getByRole('button', { name: 'Close debate' }).count()).toBe(0);
    // They can take the debate away as Markdown.
    const markdown = await page.request.get(
      new URL((await page.getByRole('link', { name: 'Export Markdown' }).getAttribute('href'))!, server.url).href,
    );
    expect(await markdown.text()).toContain('Alice: the trotskyists failed here.');
    const owner = await pageAs(s.owner);
    await owner.goto(`${server.url}/groups/${s.slug}/debates/${debate.id}`);
    // The instructor sees everyone's changes (Bob's live argument changed his stance too); Alice saw only her own.
    await poll(() => owner.getByText(`How ${s.alice.displayName}’s stance changed`).count()).toBe(1);
    expect(await owner.getByText(`How ${s.bob.displayName}’s stance changed`).count()).toBe(1);
    expect(await page.getByText(`How ${s.bob.displayName}’s stance changed`).count()).toBe(0);
    await owner.getByRole('button', { name: 'Close debate' }).click();
    await poll(() => owner.getByRole('button', { name: 'Reopen debate' }).count()).toBe(1);
    expect(await owner.getByText(/This debate is closed/).count()).toBeGreaterThan(0);
    await expectAccessible(owner, 'debate board (instructor)');
    expect(((await s.alice.agent.get(`/api/debates/${debate.id}`).expect(200)).body as DebateDto).status).toBe(
      'closed',
    );
    expect(bob.stance).toEqual({ debateId: debate.id, positionId: party!.id, side: 'against' });
  },
  LONG,
);

it(
  'lists debates on the group page and lets an instructor pose one from a form',
  async () => {
    const page = await pageAs(s.owner);
    await page.goto(`${server.url}/groups/${s.slug}`);
    await page.getByRole('link', { name: 'Debates', exact: true }).click();
    await page.waitForURL(/\/debates$/);
    await expectAccessible(page, 'debates list');
    await page.getByLabel('Question').fill('Was the COB a soviet?');
    await page.getByLabel('Position 1: title').fill('Yes: dual power');
    await page.getByLabel('Position 2: title').fill('No: a union federation');
    await page.getByRole('button', { name: 'Add a position' }).click();
    await page.getByLabel('Position 3: title').fill('Both, at different times');
    await page.getByLabel(/Commit, then reveal/).check();
    await page.getByRole('button', { name: 'Pose the debate' }).click();
    await page.waitForURL(/\/debates\/[0-9a-f-]{36}$/);
    await poll(() => page.getByRole('heading', { level: 1, name: 'Was the COB a soviet?' }).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 2, name: /Both, at different times/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Reveal to everyone now' }).count()).toBe(1);

    // A student who has not posted sees the commit-then-reveal notice.
    const student = await pageAs(s.bob);
    await student.goto(page.url());
    await poll(() => student.getByText(/Commit, then reveal\./).count()).toBe(1);
    await expectAccessible(student, 'sealed debate board');
    await student.goto(`${server.url}/groups/${s.slug}`);
    expect(await student.getByRole('link', { name: 'Was the COB a soviet?' }).count()).toBe(1);
  },
  LONG,
);

it(
  'shows the unread count in the header bell and lists notifications',
  async () => {
    const a = (
      await s.alice.agent
        .post(`/api/documents/${s.documentId}/annotations`)
        .send({
          target: selectorsFor(s.text, 'Initially, the POR had a strong position within the COB'),
          text: `What do you think, @${s.bob.handle}?`,
        })
        .expect(201)
    ).body as AnnotationDto;
    const page = await pageAs(s.bob);
    await page.goto(`${server.url}/groups/${s.slug}`);
    await poll(() => page.getByRole('link', { name: /Notifications, \d+ unread/ }).count()).toBe(1);
    // Live: another mention arrives while the page is open.
    const before = await page.getByRole('link', { name: /Notifications, \d+ unread/ }).getAttribute('aria-label');
    await s.alice.agent
      .post(`/api/annotations/${a.id}/replies`)
      .send({ text: `And you, @${s.bob.handle}?` })
      .expect(201);
    await poll(() => page.getByRole('link', { name: /Notifications, \d+ unread/ }).getAttribute('aria-label')).not.toBe(
      before,
    );
    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.waitForURL(/\/notifications$/);
    await poll(() => page.getByRole('link', { name: `${s.alice.displayName} mentioned you` }).count()).toBeGreaterThan(
      0,
    );
    await expectAccessible(page, '/notifications');
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await poll(() => page.getByText('You are all caught up.').count()).toBe(1);
    await poll(() => page.getByRole('link', { name: 'Notifications', exact: true }).count()).toBe(1);
  },
  LONG,
);
