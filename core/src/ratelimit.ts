// Rate limiters: in memory on one node, shared through Redis when REDIS_URL is set.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimit {
  /** Consumes one point; resolves to the seconds to wait when over the limit, else null. */
  consume(key: string, points?: number): Promise<number | null>;
  /** Seconds to wait if the key is already over the limit, without consuming; else null. */
  blocked(key: string): Promise<number | null>;
  reset(key: string): Promise<void>;
}

export function createRateLimit(opts: {
  name: string;
  points: number;
  durationSeconds: number;
  redis?: Redis;
}): RateLimit {
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        storeClient: opts.redis,
        keyPrefix: `rl:${opts.name}`,
        points: opts.points,
        duration: opts.durationSeconds,
        useRedisPackage: false,
      })
    : new RateLimiterMemory({ keyPrefix: `rl:${opts.name}`, points: opts.points, duration: opts.durationSeconds });
  const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
        return null;
      } catch (res) {
        if (res instanceof RateLimiterRes) return retryAfter(res);
        throw res;
      }
    },
    async blocked(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= opts.points ? retryAfter(res) : null;
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
