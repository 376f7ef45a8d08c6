import { Injectable } from '@nestjs/common';
import { Clock } from './clock.js';

interface Window {
  hits: number[];
}

/**
 * Sliding-window counters kept in memory. Per instance: with several instances each enforces its own share, which is
 * acceptable for throttling (it only loosens the bound by the instance count).
 */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly clock: Clock) {}

  /** Seconds until `key` may be hit again, or 0 when it is under `limit` hits in the last `windowSeconds`. */
  retryAfter(key: string, limit: number, windowSeconds: number): number {
    const now = this.clock.now().getTime();
    const hits = this.live(key, now, windowSeconds);
    if (hits.length < limit) return 0;
    const oldest = hits[hits.length - limit] ?? now;
    return Math.max(1, Math.ceil((oldest + windowSeconds * 1000 - now) / 1000));
  }

  hit(key: string, windowSeconds: number): void {
    const now = this.clock.now().getTime();
    const hits = this.live(key, now, windowSeconds);
    hits.push(now);
    this.windows.set(key, { hits });
    this.sweep(now, windowSeconds);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private live(key: string, now: number, windowSeconds: number): number[] {
    const since = now - windowSeconds * 1000;
    return (this.windows.get(key)?.hits ?? []).filter((t) => t > since);
  }

  private sweep(now: number, windowSeconds: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const since = now - windowSeconds * 1000;
    for (const [key, w] of this.windows) if (!w.hits.some((t) => t > since)) this.windows.delete(key);
  }
}
