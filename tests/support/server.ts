import { createServer } from 'node:net';
import { createTestApp, type TestApp } from './app.js';

export interface RunningServer extends TestApp {
  url: string;
}

/** A port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
    s.on('error', reject);
  });
}

/**
 * The app on one loopback port, as `pnpm start` serves it: API and Socket.io, plus the built SvelteKit pages unless
 * `web` is false (socket tests need no web build). The origin must be known before the app is configured, so the port
 * is found first.
 */
export async function startServer(env: Record<string, string> = {}, { web = true } = {}): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ORIGIN: origin, PORT: String(port), ...env }, { web });
  await t.app.listen(port, '127.0.0.1');
  if (web) process.env.SCHOLIA_INTERNAL_URL = origin;
  return { ...t, url: origin };
}
