import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from './support/server.js';

/** `pnpm start` after its build step: the built app with no DATABASE_URL, on a free port. */
function startBuilt(
  dataDir: string,
  port: number,
): { output: () => string; stop: () => Promise<void>; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.ORIGIN;
  delete env.NODE_ENV;
  const child = spawn(process.execPath, ['apps/api/dist/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => out,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForHealth(url: string, app: { output: () => string }): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the app did not become healthy:\n${app.output()}`);
}

it('starts with no configuration on an embedded PostgreSQL, seeds once, and reuses its data', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'scholia-start-'));
  // As root, embedded PostgreSQL runs as the postgres user, which must be able to reach the data folder.
  await chmod(dataDir, 0o755);
  try {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const first = startBuilt(dataDir, port);
    await waitForHealth(url, first);
    expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ status: 'ok', database: 'up' });
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Scholia');
    expect(first.output()).toMatch(/instructor@demo\.scholia\s+\S+/);
    const password = /instructor@demo\.scholia\s+(\S+)/.exec(first.output())![1]!;
    await first.stop();

    const second = startBuilt(dataDir, port);
    await waitForHealth(url, second);
    expect(second.output()).not.toContain('instructor@demo.scholia');
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'instructor@demo.scholia', password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const groups = (await (await fetch(`${url}/api/groups`, { headers: { cookie } })).json()) as {
      items: { slug: string; documentCount: number }[];
    };
    expect(groups.items).toEqual([expect.objectContaining({ slug: 'bolivia-1952', documentCount: 1 })]);
    await second.stop();
    expect(await second.exited).toBe(0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 180_000);
