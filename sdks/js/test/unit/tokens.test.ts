// Tokens are HS256 JWTs the platform's own verifier (jsonwebtoken) accepts, with the protocol's claims.
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createPlaybackToken, createUserToken, decodeToken } from '../../src/server/tokens';

const creds = { apiKey: 'pk_live_abc', apiSecret: 'sk_secret_xyz' };

describe('tokens', () => {
  it('signs a user token with sub, app, role and exp', () => {
    const token = createUserToken(creds, 'user-42', { role: 'moderator', ttl: 600, name: 'Ada', now: 1_000_000 });
    const claims = jwt.verify(token, creds.apiSecret, { algorithms: ['HS256'], clockTimestamp: 1_000_100 });
    expect(claims).toEqual({
      sub: 'user-42',
      app: 'pk_live_abc',
      role: 'moderator',
      name: 'Ada',
      iat: 1_000_000,
      exp: 1_000_600,
    });
    expect(() => jwt.verify(token, 'another secret', { algorithms: ['HS256'], clockTimestamp: 1_000_100 })).toThrow();
    expect(() => jwt.verify(token, creds.apiSecret, { algorithms: ['HS256'], clockTimestamp: 1_000_601 })).toThrow(
      /expired/,
    );
  });

  it('signs a playback token for a playback id', () => {
    const token = createPlaybackToken(creds, 'pb_123', { ttl: 60, viewerId: 'v1' });
    const claims = jwt.verify(token, creds.apiSecret, { algorithms: ['HS256'], audience: 'playback' });
    expect(claims).toMatchObject({ sub: 'pb_123', kid: 'pk_live_abc', aud: 'playback', viewerId: 'v1' });
    const { exp, iat } = decodeToken<{ exp: number; iat: number }>(token);
    expect(exp - iat).toBe(60);
  });

  it('refuses bad input', () => {
    expect(() => createUserToken(creds, '')).toThrow(/userId/);
    expect(() => createUserToken(creds, 'u', { ttl: -1 })).toThrow(/ttl/);
    expect(() => createPlaybackToken(creds, '')).toThrow(/playbackId/);
  });
});
