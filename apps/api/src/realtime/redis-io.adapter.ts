import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/** Socket.io through the official Redis adapter, so rooms and server-side events span every instance. */
export class RedisIoAdapter extends IoAdapter {
  private adapter: ReturnType<typeof createAdapter> | undefined;
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly url: string,
    /** REDIS_PREFIX: the adapter names its channels `<prefix>#<namespace>#…` (its default, `socket.io`, is shared). */
    private readonly prefix: string,
  ) {
    super(app);
  }

  async connect(): Promise<void> {
    const pub = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    this.clients.push(pub, sub);
    await Promise.all([pub.connect(), sub.connect()]);
    this.adapter = createAdapter(pub, sub, { key: this.prefix });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    if (this.adapter) server.adapter(this.adapter);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => 'closed')));
  }
}
