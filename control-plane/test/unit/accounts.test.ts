// Developer accounts and sessions through the HTTP routes (in-process, app.request).
import { hmacKey } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
beforeAll(async () => {
  t = await buildTestControlPlane({ LOGIN_FAILURES_PER_ACCOUNT: '3', LOGIN_FAILURES_PER_IP: '50' });
});
afterAll(() => t.close());

describe('accounts', () => {
  it('registers, logs in and reads /v1/me; never returns the password hash', async () => {
    const dev = await t.api.register('Ada@Example.com');
    expect(dev.email).toBe('Ada@Example.com');
    const login = await t.api.call('POST', '/v1/auth/login', {
      body: { email: 'ada@example.com', password: dev.password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.email).toBe('ada@example.com');
    const me = await t.api.call('GET', '/v1/me', { auth: { bearer: login.body.accessToken } });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(dev.userId);
    expect(JSON.stringify(me.body)).not.toMatch(/scrypt|passwordHash/);
  });

  it('refuses a taken email, a short password and unknown fields with stable codes', async () => {
    const dev = await t.api.register();
    const again = await t.api.call('POST', '/v1/auth/register', {
      body: { email: dev.email, password: 'another long password' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
    const short = await t.api.call('POST', '/v1/auth/register', {
      body: { email: 'x@example.com', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');
    expect(short.body.error.details[0].path).toBe('password');
    const extra = await t.api.call('POST', '/v1/auth/register', {
      body: { email: 'y@example.com', password: 'long enough pw', admin: true },
    });
    expect(extra.status).toBe(400);
  });

  it('rotates refresh tokens and revokes the whole family when one is reused', async () => {
    const dev = await t.api.register();
    const first = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(first.status).toBe(200);
    const second = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    // The first token again: theft is assumed, every token of the login dies.
    const reuse = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    const latest = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(latest.status).toBe(401);
    expect(latest.body.error.code).toBe('invalid_refresh_token');
  });

  it('logout revokes the session', async () => {
    const dev = await t.api.register();
    expect((await t.api.call('POST', '/v1/auth/logout', { body: { refreshToken: dev.refreshToken } })).status).toBe(
      204,
    );
    const after = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(after.status).toBe(401);
  });

  it('an access token without a session (signed before sessions were named) is refused as expired', async () => {
    const dev = await t.api.register();
    const old = jwt.sign({ typ: 'access' }, hmacKey(t.deps.config.JWT_SECRET), {
      subject: dev.userId,
      expiresIn: 600,
      algorithm: 'HS256',
      issuer: 'beamline',
    });
    const res = await t.api.call('GET', '/v1/me', { auth: { bearer: old } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
  });

  it('rejects forged, malformed and missing access tokens', async () => {
    const forged = await t.api.call('GET', '/v1/me', {
      auth: { bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfeCIsInR5cCI6ImFjY2VzcyJ9.c2lnbmF0dXJl' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('unauthorized');
    expect((await t.api.call('GET', '/v1/me')).status).toBe(401);
    expect((await t.api.call('GET', '/v1/me', { headers: { authorization: 'Token abc' } })).status).toBe(401);
  });

  it('rate limits failed log-ins per account, with Retry-After, and the right password waits too', async () => {
    const dev = await t.api.register();
    for (let i = 0; i < 3; i++) {
      const bad = await t.api.call('POST', '/v1/auth/login', {
        body: { email: dev.email, password: 'wrong password' },
      });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('invalid_credentials');
    }
    const locked = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not locked by it.
    const other = await t.api.register();
    const ok = await t.api.call('POST', '/v1/auth/login', { body: { email: other.email, password: other.password } });
    expect(ok.status).toBe(200);
  });
});

describe('a deleted account', () => {
  it('cannot create apps with an access token issued before the deletion', async () => {
    const dev = await t.api.register();
    const del = await t.api.call('POST', '/v1/me/delete', {
      auth: { bearer: dev.token },
      body: { password: dev.password },
    });
    expect(del.status, JSON.stringify(del.body)).toBeLessThan(300);
    const res = await t.api.call('POST', '/v1/apps', { auth: { bearer: dev.token }, body: { name: 'ghost' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('session_ended');
    expect((await t.api.call('GET', '/v1/apps', { auth: { bearer: dev.token } })).status).toBe(401);
  });
});
