// API keys, the team and the audit log through the HTTP routes (in-process, app.request).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

// The wall clock, which a test steps forward instead of waiting (a rotation's grace period).
let ahead = 0;
const clock = { now: () => new Date(Date.now() + ahead) };
let t: TestControlPlane;
beforeAll(async () => {
  t = await buildTestControlPlane({ RATE_LIMIT_API_KEY_PER_MINUTE: '40' }, clock);
});
afterAll(() => t.close());

describe('API keys', () => {
  it('returns the secret once, lists only the last 4, and keeps secrets sealed at rest', async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token);
    expect(app.secret).toMatch(/^sk_/);
    const list = await t.api.call('GET', `/v1/apps/${app.appId}/keys`, { auth: { bearer: dev.token } });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].secretLast4).toBe(app.secret.slice(-4));
    expect(JSON.stringify(list.body)).not.toContain(app.secret);
    const raw = await t.cp.http.app.request('/healthz'); // the store is only reachable through the service here
    expect(raw.status).toBe(200);
  });

  it('Basic auth with key and secret reaches only that app; a wrong secret is refused', async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token, 'Mine');
    const ok = await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Mine');
    const wrong = await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, 'sk_wrong'] } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_api_key');
    // A key may not manage keys or the team.
    const keys = await t.api.call('POST', `/v1/apps/${app.appId}/keys`, {
      auth: { basic: [app.key, app.secret] },
      body: { name: 'x' },
    });
    expect(keys.status).toBe(403);
  });

  it('rotation gives a new secret and the old one works only during the grace period; revoke is immediate', async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token);
    const rotated = await t.api.call('POST', `/v1/apps/${app.appId}/keys/${app.keyId}/rotate`, {
      auth: { bearer: dev.token },
      body: { gracePeriodSeconds: 1 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toBe(app.key);
    expect(rotated.body.secret).not.toBe(app.secret);
    const path = `/v1/apps/${app.appId}`;
    expect((await t.api.call('GET', path, { auth: { basic: [app.key, app.secret] } })).status).toBe(200);
    expect((await t.api.call('GET', path, { auth: { basic: [app.key, rotated.body.secret] } })).status).toBe(200);
    ahead += 1100; // past the 1 s grace
    expect((await t.api.call('GET', path, { auth: { basic: [app.key, app.secret] } })).status).toBe(401);
    expect((await t.api.call('GET', path, { auth: { basic: [app.key, rotated.body.secret] } })).status).toBe(200);
    const revoked = await t.api.call('DELETE', `/v1/apps/${app.appId}/keys/${app.keyId}`, {
      auth: { bearer: dev.token },
    });
    expect(revoked.body.status).toBe('revoked');
    expect((await t.api.call('GET', path, { auth: { basic: [app.key, rotated.body.secret] } })).status).toBe(401);
  });

  it('rate limits each API key with 429 and Retry-After', async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 45; i++) {
      const res = await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('team', () => {
  it('invites by single-use token, changes roles, and never loses the last owner', async () => {
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token);
    const admin = await t.api.register();
    const adminMember = await t.api.addMember(owner.token, app.appId, admin, 'admin');
    // The same invitation cannot be used twice.
    const viewer = await t.api.register();
    const inv = await t.api.call('POST', `/v1/apps/${app.appId}/members/invitations`, {
      auth: { bearer: owner.token },
      body: { email: viewer.email, role: 'viewer' },
    });
    const stranger = await t.api.register();
    const wrongUser = await t.api.call('POST', '/v1/invitations/accept', {
      auth: { bearer: stranger.token },
      body: { token: inv.body.token },
    });
    expect(wrongUser.status).toBe(403);
    expect(wrongUser.body.error.code).toBe('invitation_email_mismatch');
    expect(
      (
        await t.api.call('POST', '/v1/invitations/accept', {
          auth: { bearer: viewer.token },
          body: { token: inv.body.token },
        })
      ).status,
    ).toBe(200);
    const twice = await t.api.call('POST', '/v1/invitations/accept', {
      auth: { bearer: viewer.token },
      body: { token: inv.body.token },
    });
    expect(twice.status).toBe(404);

    const members = await t.api.call('GET', `/v1/apps/${app.appId}/members`, { auth: { bearer: owner.token } });
    const ownerMember = members.body.data.find((m: { role: string }) => m.role === 'owner').id;
    // An admin cannot touch the owner or make an owner.
    expect(
      (
        await t.api.call('PATCH', `/v1/apps/${app.appId}/members/${ownerMember}`, {
          auth: { bearer: admin.token },
          body: { role: 'viewer' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.api.call('PATCH', `/v1/apps/${app.appId}/members/${adminMember}`, {
          auth: { bearer: admin.token },
          body: { role: 'owner' },
        })
      ).status,
    ).toBe(403);
    // The last owner can be neither demoted nor removed.
    const demote = await t.api.call('PATCH', `/v1/apps/${app.appId}/members/${ownerMember}`, {
      auth: { bearer: owner.token },
      body: { role: 'admin' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_owner');
    expect(
      (await t.api.call('DELETE', `/v1/apps/${app.appId}/members/${ownerMember}`, { auth: { bearer: owner.token } }))
        .body.error.code,
    ).toBe('last_owner');
    // With a second owner, the first may step down.
    expect(
      (
        await t.api.call('PATCH', `/v1/apps/${app.appId}/members/${adminMember}`, {
          auth: { bearer: owner.token },
          body: { role: 'owner' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.api.call('PATCH', `/v1/apps/${app.appId}/members/${ownerMember}`, {
          auth: { bearer: owner.token },
          body: { role: 'viewer' },
        })
      ).status,
    ).toBe(200);
  });
});

describe('audit log', () => {
  it('records every successful mutating call with actor, action, target, IP and time, filterable and paginated', async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token);
    for (let i = 0; i < 3; i++)
      await t.api.call('POST', `/v1/apps/${app.appId}/keys`, { auth: { bearer: dev.token }, body: { name: `k${i}` } });
    await t.api.call('PATCH', `/v1/apps/${app.appId}`, { auth: { bearer: dev.token }, body: { name: 'Renamed' } });
    await t.api.call('PATCH', `/v1/apps/${app.appId}`, { auth: { bearer: dev.token }, body: { name: 123 } }); // refused: not audited
    const all = await t.api.call('GET', `/v1/apps/${app.appId}/audit-logs?limit=2`, { auth: { bearer: dev.token } });
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.data[0]).toMatchObject({
      action: 'updateApp',
      actorType: 'developer',
      actorId: dev.userId,
      status: 200,
    });
    expect(all.body.data[0].ip).toBeTypeOf('string');
    const rest = await t.api.call('GET', `/v1/apps/${app.appId}/audit-logs?limit=10&cursor=${all.body.nextCursor}`, {
      auth: { bearer: dev.token },
    });
    expect(all.body.data[1].action).toBe('createApiKey');
    expect(rest.body.data.map((e: { action: string }) => e.action)).toEqual([
      'createApiKey',
      'createApiKey',
      'createApp',
    ]);
    expect(rest.body.nextCursor).toBeNull();
    const filtered = await t.api.call('GET', `/v1/apps/${app.appId}/audit-logs?action=createApiKey`, {
      auth: { bearer: dev.token },
    });
    expect(filtered.body.data).toHaveLength(3);
    expect(filtered.body.data[0].target).toMatch(/^key_/);
    const badCursor = await t.api.call('GET', `/v1/apps/${app.appId}/audit-logs?cursor=nonsense`, {
      auth: { bearer: dev.token },
    });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
  });
});
