// The dashboard's realtime token: signed with the app's key like any user token, admin only for roles that may
// moderate chat, and never for another app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
beforeAll(async () => {
  t = await buildTestControlPlane();
});
afterAll(() => t?.close());

describe('realtime token for the dashboard', () => {
  it("signs with the app's key, gives editors admin and viewers user, and refuses other apps", async () => {
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token);
    const viewer = await t.api.register();
    const editor = await t.api.register();
    await t.api.addMember(owner.token, app.appId, viewer, 'viewer');
    await t.api.addMember(owner.token, app.appId, editor, 'editor');

    const mine = await t.api.call('POST', `/v1/apps/${app.appId}/realtime-token`, { auth: { bearer: owner.token } });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ userId: `dashboard:${owner.userId}`, role: 'admin' });
    const claims = jwt.verify(mine.body.token, app.secret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: `dashboard:${owner.userId}`, app: app.key, role: 'admin' });
    expect(claims.exp! - claims.iat!).toBe(3600);

    const asEditor = await t.api.call('POST', `/v1/apps/${app.appId}/realtime-token`, {
      auth: { bearer: editor.token },
    });
    expect(asEditor.body.role).toBe('admin');
    const asViewer = await t.api.call('POST', `/v1/apps/${app.appId}/realtime-token`, {
      auth: { bearer: viewer.token },
    });
    expect(asViewer.status).toBe(201);
    expect(asViewer.body.role).toBe('user');

    const stranger = await t.api.register();
    const denied = await t.api.call('POST', `/v1/apps/${app.appId}/realtime-token`, {
      auth: { bearer: stranger.token },
    });
    expect(denied.status).toBe(404);
    expect(JSON.stringify(denied.body)).not.toContain(app.key);

    // With every key revoked there is nothing to sign with: a clear 409, not a 500.
    await t.api.call('DELETE', `/v1/apps/${app.appId}/keys/${app.keyId}`, { auth: { bearer: owner.token } });
    const none = await t.api.call('POST', `/v1/apps/${app.appId}/realtime-token`, { auth: { bearer: owner.token } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_active_api_key');
  });
});
