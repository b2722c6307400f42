// An app's opt-in to user tokens that never expire: off by default, owners only, audited; the control plane's
// own user-token route always sets an expiry.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDoc } from '../../src/repos';
import { buildTestControlPlane, overLoopback, type ApiClient, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
let api: ApiClient;
beforeAll(async () => {
  t = await buildTestControlPlane();
  ({ api } = await overLoopback(t));
});
afterAll(() => t.close());

describe('allowNonExpiringUserTokens', () => {
  it('is off by default; only owners change it; the change is stored on the app and audited', async () => {
    const owner = await api.register();
    const app = await api.createApp(owner.token, 'Tokens');
    const path = `/v1/apps/${app.appId}/security`;
    const read = await api.call('GET', path, { auth: { bearer: owner.token } });
    expect(read.status).toBe(200);
    expect(read.body.allowNonExpiringUserTokens).toBe(false);

    const admin = await api.register();
    await api.addMember(owner.token, app.appId, admin, 'admin');
    for (const auth of [{ bearer: admin.token }, { basic: [app.key, app.secret] as [string, string] }]) {
      const refused = await api.call('PATCH', path, { auth, body: { allowNonExpiringUserTokens: true } });
      expect(refused.status).toBe(403);
    }
    const bad = await api.call('PATCH', path, {
      auth: { bearer: owner.token },
      body: { allowNonExpiringUserTokens: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(
      (await t.store.collection<AppDoc>('apps').findOne({ id: app.appId }))?.allowNonExpiringUserTokens,
    ).toBeUndefined();

    const on = await api.call('PATCH', path, {
      auth: { bearer: owner.token },
      body: { allowNonExpiringUserTokens: true },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ allowNonExpiringUserTokens: true, requireTwoFactor: false });
    expect((await t.store.collection<AppDoc>('apps').findOne({ id: app.appId }))?.allowNonExpiringUserTokens).toBe(
      true,
    );
    // Another setting's change leaves it as it is.
    const origins = await api.call('PATCH', path, {
      auth: { bearer: owner.token },
      body: { allowedOrigins: ['https://shop.example.com'] },
    });
    expect(origins.body.allowNonExpiringUserTokens).toBe(true);

    const audit = await api.call('GET', `/v1/apps/${app.appId}/audit-logs?action=updateAppSecurity`, {
      auth: { bearer: owner.token },
    });
    expect(audit.body.data.map((e: { target: string }) => e.target)).toEqual([
      'allowedOrigins',
      'allowNonExpiringUserTokens',
    ]);
    expect(audit.body.data[1]).toMatchObject({ actorId: owner.userId, status: 200 });
  });
});

describe('POST /v1/apps/{appId}/users/tokens', () => {
  it('always sets an expiry, also when the app allows tokens without one', async () => {
    const owner = await api.register();
    const app = await api.createApp(owner.token, 'Chat');
    await api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: { bearer: owner.token },
      body: { allowNonExpiringUserTokens: true },
    });
    const path = `/v1/apps/${app.appId}/users/tokens`;
    const auth = { basic: [app.key, app.secret] as [string, string] };
    const minted = await api.call('POST', path, { auth, body: { userId: 'u1' } });
    expect(minted.status).toBe(201);
    const claims = jwt.decode(minted.body.token) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(86_400);
    for (const ttlSeconds of [0, null, 'never', 10 ** 9]) {
      const refused = await api.call('POST', path, { auth, body: { userId: 'u1', ttlSeconds } });
      expect(refused.status, String(ttlSeconds)).toBe(400);
    }
  });
});
