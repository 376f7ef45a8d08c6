import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeDb, count, sql } from '../support/db.js';
import { ESSAY, type Member, signUp } from '../support/fixtures.js';

// The built command, as `pnpm scholia` runs it (`pnpm build` runs before the tests).
const CLI = path.resolve('apps/api/dist/cli.js');
// Each run starts Node and the application afresh: seconds each, many more on a busy machine.
const SLOW = { timeout: 300_000 };

let t: TestApp;
let owner: Member;
let slug: string;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function scholia(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'warn' }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const documentsIn = (groupSlug: string) =>
  count('documents d JOIN groups g ON g.id = d.group_id', 'g.slug = $1', [groupSlug]);

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, 'Owner');
  slug = (
    (await owner.agent.post('/api/groups').send({ name: 'Command line seminar' }).expect(201)).body as { slug: string }
  ).slug;
  dir = await mkdtemp(path.join(os.tmpdir(), 'scholia-cli-'));
});
afterAll(async () => {
  await t.close();
  await closeDb();
  await rm(dir, { recursive: true, force: true });
});

describe('scholia import', () => {
  it('imports a Markdown file as the group owner, titled by its heading, and prints the id and URL', SLOW, async () => {
    const file = path.join(dir, 'thesis.md');
    await writeFile(
      file,
      '# Deflected permanent revolution\n\nThe petty bourgeoisie *could* play an independent role. [1]\n\n> A quoted passage.\n',
    );
    const run = await scholia('import', file, '--group', slug, '--author', 'Tony Cliff');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /id:\s+([0-9a-f-]{36})/.exec(run.stdout)?.[1];
    expect(id, run.stdout).toBeDefined();
    expect(run.stdout).toMatch(new RegExp(`https?://\\S+/groups/${slug}/documents/${id}`));

    const doc = await owner.agent.get(`/api/documents/${id}`).expect(200);
    expect(doc.body).toMatchObject({
      title: 'Deflected permanent revolution',
      author: 'Tony Cliff',
      groupSlug: slug,
      revision: 1,
    });
    expect((doc.body as { text: string }).text).toContain('The petty bourgeoisie could play an independent role.');
    const rows = await sql<{ created_by_id: string; format: string }>(
      'SELECT d.created_by_id, r.format FROM documents d JOIN document_revisions r ON r.document_id = d.id WHERE d.id = $1',
      [id],
    );
    expect(rows).toEqual([{ created_by_id: owner.id, format: 'markdown' }]);
  });

  it('imports plain text, titled by --title or else by the file name', SLOW, async () => {
    const file = path.join(dir, 'bolivian-revolution.txt');
    await writeFile(file, ESSAY);
    const titled = await scholia('import', file, '--group', slug, '--title', 'The Bolivian Revolution of 1952');
    expect(titled.code, titled.stderr).toBe(0);
    const untitled = await scholia('import', file, '-g', slug, '--format', 'text');
    expect(untitled.code, untitled.stderr).toBe(0);
    const list = await owner.agent.get(`/api/groups/${slug}/documents`).expect(200);
    const titles = (list.body as { items: { title: string }[] }).items.map((d) => d.title);
    expect(titles).toEqual(expect.arrayContaining(['The Bolivian Revolution of 1952', 'bolivian-revolution']));
    const id = /id:\s+([0-9a-f-]{36})/.exec(titled.stdout)?.[1];
    const doc = await owner.agent.get(`/api/documents/${id}`).expect(200);
    expect((doc.body as { text: string }).text).toContain('Carcia Meza was replaced');
    const formats = await sql<{ format: string }>('SELECT format FROM document_revisions WHERE document_id = $1', [id]);
    expect(formats).toEqual([{ format: 'text' }]);
  });

  it(
    'fails with a clear message and a non-zero exit, importing nothing, for a missing file, an unknown group or unparseable text',
    SLOW,
    async () => {
      const before = await documentsIn(slug);

      const good = path.join(dir, 'good.txt');
      await writeFile(good, 'A short text.\n');
      const empty = path.join(dir, 'empty.txt');
      await writeFile(empty, '  \n\n \n');
      const [missing, unknown, unparseable, usage, badFormat, unknownCommand] = await Promise.all([
        scholia('import', path.join(dir, 'no-such-file.md'), '--group', slug),
        scholia('import', good, '--group', 'no-such-seminar-anywhere'),
        scholia('import', empty, '--group', slug),
        scholia('import', good),
        scholia('import', good, '--group', slug, '--format', 'pdf'),
        scholia('export', good),
      ]);

      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/File not found: .*no-such-file\.md/);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('No group has the slug "no-such-seminar-anywhere"');
      expect(unparseable.code).not.toBe(0);
      expect(unparseable.stderr).toMatch(/Cannot import .*empty\.txt: The document is empty/);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--group');
      expect(badFormat.code).toBe(2);
      expect(badFormat.stderr).toContain('--format must be "text" or "markdown"');
      expect(unknownCommand.code).toBe(2);

      for (const run of [missing, unknown, unparseable, usage, badFormat]) expect(run.stdout).toBe('');
      expect(await documentsIn(slug)).toBe(before);
    },
  );
});
