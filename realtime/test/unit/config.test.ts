// The realtime node's config: strict, and cluster mode needs a shared store.
import { ConfigError } from '@beamline/core';
import { describe, expect, it } from 'vitest';
import { parseRealtimeConfig } from '../../src/config';

const MASTER_KEY = 'a'.repeat(64);

describe('parseRealtimeConfig', () => {
  it('has defaults for one node', () => {
    const config = parseRealtimeConfig({ MASTER_KEY });
    expect(config.REALTIME_PORT).toBe(8081);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('names the variable when REDIS_URL is set without MONGODB_URL', () => {
    expect(() => parseRealtimeConfig({ MASTER_KEY, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrowError(/MONGODB_URL/);
    expect(
      parseRealtimeConfig({ MASTER_KEY, REDIS_URL: 'redis://127.0.0.1:6379', MONGODB_URL: 'mongodb://db/beamline' })
        .REDIS_URL,
    ).toBe('redis://127.0.0.1:6379');
  });

  it('stops on a malformed variable', () => {
    expect(() => parseRealtimeConfig({ MASTER_KEY, REALTIME_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseRealtimeConfig({})).toThrowError(/MASTER_KEY/);
  });
});
