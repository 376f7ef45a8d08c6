import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './app.js';

export interface RunningServer extends TestApp {
  url: string;
}

/**
 * The whole product on one loopback port, as `pnpm start` serves it: API, Socket.io and the built SvelteKit pages.
 * The origin must be known before the pages load, so the port is bound first and the app configured for it.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
  const origin = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ORIGIN: origin, PORT: String(port), ...env }, { web: true });
  await t.app.listen(port, '127.0.0.1');
  process.env.SCHOLIA_INTERNAL_URL = origin;
  return { ...t, url: origin };
}
