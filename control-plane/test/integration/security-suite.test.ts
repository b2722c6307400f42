// Shared security suites over every route of the running all-in-one platform, enumerated from
// /openapi.json so that a new route cannot escape them: tenant isolation, the permission table,
// and bad input. Runs over real HTTP on loopback.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { PERMISSIONS, type PermissionName } from '../../src/permissions';
import { ApiClient, type Auth } from '../helpers';
import { makeTenant, NAME_PARAMS, type Tenant } from './tenant-fixture';

interface Operation {
  method: string;
  path: string;
  operationId: string;
  /** Declared public (`security: []`): readable by anyone, e.g. branding assets for the player page. */
  isPublic: boolean;
  permission?: PermissionName;
  hasBody: boolean;
  bodySchema?: any;
}

let platform: TestPlatform;
let api: ApiClient;
let ops: Operation[];

function operations(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        permission: op['x-permission'],
        hasBody: Boolean(op.requestBody),
        bodySchema: schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema,
      });
    }
  }
  return out;
}

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? `${name.slice(0, 3)}_doesnotexist0000000`),
  );

/** App-scoped routes that need credentials; the public ones are listed once so the exclusion is visible. */
function appRoutes(): Operation[] {
  const scoped = ops.filter((o) => o.path.startsWith('/v1/apps/{appId}'));
  const open = scoped.filter((o) => o.isPublic);
  if (open.length)
    console.info(`public app routes (no credentials by design): ${open.map((o) => o.operationId).join(', ')}`);
  for (const o of open) expect(o.method, `${o.operationId} is public, so it must be read-only`).toBe('GET');
  return scoped.filter((o) => !o.isPublic);
}

beforeAll(async () => {
  platform = await startTestPlatform();
  api = new ApiClient((path, init) => fetch(platform.urls.api + path, init));
  const doc = (await api.call('GET', '/openapi.json')).body;
  ops = operations(doc);
});
afterAll(() => platform?.close());

/** A JSON body the route accepts, so that the call reaches its handler (an empty object for the rest). */
const VALID_BODIES: Record<string, unknown> = {
  sendCustomEvent: { name: 'score.update', payload: { home: 1 } },
  changeMemberRole: { role: 'viewer' },
  redeliverFailedWebhookDeliveries: {
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date().toISOString(),
  },
  updateTranscodingProfile: { name: 'Stolen', renditions: [{ height: 360, videoBitrateKbps: 800 }] },
};

/**
 * Every route of app B and of app A, each path parameter filled with the real id of app B's resource of that kind,
 * called with app A's API key and A's developer token: app B's paths are 404 (or 403 where the credential may not
 * call the route at all), app A's paths with B's ids are 404, and no answer holds anything of app B.
 */
describe('tenant isolation with real ids, route by route', () => {
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    b = await makeTenant(platform, api, 'Bravo');
    a = await makeTenant(platform, api, 'Alpha');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  /** The answer's text with the ids the caller sent taken out (a 404 may name what it did not find). */
  const answerOf = (body: unknown, sent: string[]) => {
    let text = JSON.stringify(body) ?? '';
    for (const id of sent) text = text.split(id).join('<sent>');
    return text;
  };

  it("every path parameter of every app route has a real id of app B's resources", () => {
    const unknown = appRoutes().flatMap((op) =>
      [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !(name in b.ids)),
    );
    expect([...new Set(unknown)], 'path parameters without a real id in tenant-fixture.ts').toEqual([]);
  });

  it("app A's key and developer get 404/403 and nothing of app B on every route of app B, with B's real ids", async () => {
    const callers: [string, Auth][] = [
      ["A's developer", a.ownerAuth],
      ["A's key", a.keyAuth],
    ];
    let checked = 0;
    for (const op of appRoutes()) {
      const path = fill(op.path, b.ids);
      for (const [who, auth] of callers) {
        const body = op.hasBody ? (VALID_BODIES[op.operationId] ?? {}) : undefined;
        const res = await api.call(op.method, path, { auth, body });
        const label = `${who} → ${op.method} ${path} gave ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect([403, 404], label).toContain(res.status);
        expect(res.body?.error?.code, label).toBeTypeOf('string');
        const text = answerOf(res.body, [b.appId]);
        for (const secret of b.secrets) expect(text, `${label} holds ${secret}`).not.toContain(secret);
        checked++;
      }
    }
    expect(checked).toBe(appRoutes().length * 2);
    await b.expectIntact();
    // App A's key still sees only app A.
    const listed = await api.call('GET', '/v1/apps', { auth: a.keyAuth });
    expect(listed.body.data.map((x: { id: string }) => x.id)).toEqual([a.appId]);
  });

  it("app A's key and developer on app A's own routes get 404 for each of app B's ids, and nothing of app B", async () => {
    const callers: [string, Auth, 'apiKey' | 'owner'][] = [
      ["A's developer", a.ownerAuth, 'owner'],
      ["A's key", a.keyAuth, 'apiKey'],
    ];
    const withIds = appRoutes().filter((op) => /\{(?!appId\})\w+\}/.test(op.path));
    expect(withIds.length).toBeGreaterThanOrEqual(30);
    for (const op of withIds) {
      const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const params: Record<string, string> = { ...b.ids, appId: a.appId };
      const path = fill(op.path, params);
      const sent = names.map((n) => params[n]!);
      // A name (a branding slot, an end user's id) is app A's own when A uses it: only the data must not leak.
      const byName = names.some((n) => NAME_PARAMS.has(n));
      for (const [who, auth, kind] of callers) {
        const body = op.hasBody ? (VALID_BODIES[op.operationId] ?? {}) : undefined;
        const res = await api.call(op.method, path, { auth, body });
        const code = res.body?.error?.code;
        const label = `${who} → ${op.method} ${op.path} with B's ids gave ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, label).toBeLessThan(500);
        const text = answerOf(res.body, sent);
        for (const secret of b.secrets) expect(text, `${label} holds ${secret}`).not.toContain(secret);
        if (byName) continue;
        const reachable = kind === 'owner' || PERMISSIONS[op.permission!].apiKey;
        if (!reachable) {
          expect([res.status, code], label).toEqual([403, 'forbidden']);
          continue;
        }
        expect(code, `${label} (give ${op.operationId} a valid body in VALID_BODIES)`).not.toBe('validation_failed');
        expect(res.status, label).toBe(404);
      }
    }
    await b.expectIntact();
  });

  it("app A's user token opens none of app B's channels, messages, streams or uploads", async () => {
    const alpha = await connect(platform.urls.realtime!, a.userToken('alpha-fan'));
    try {
      // What a request about another app's resource meets: it is not there (or, for a channel, not joined).
      const NOT_THERE = ['channel_not_found', 'not_joined', 'message_not_found', 'stream_not_found', 'forbidden'];
      const refusals: [string, unknown][] = [
        ['channel.join', { channelId: b.ids.channelId }],
        ['channel.join', { channelId: b.ids.streamId }],
        ['history', { channelId: b.ids.channelId }],
        ['message.send', { channelId: b.ids.channelId, text: 'hello B' }],
        ['message.update', { messageId: b.ids.messageId, text: 'rewritten' }],
        ['message.react', { messageId: b.ids.messageId, type: 'like' }],
        ['message.delete', { messageId: b.ids.messageId }],
        ['typing.start', { channelId: b.ids.channelId }],
        ['reaction.send', { channelId: b.ids.channelId, type: 'heart' }],
        ['events.subscribe', { streamId: b.ids.streamId }],
      ];
      for (const [name, payload] of refusals) {
        const ack = (await alpha.request(name as never, payload)) as { error?: { code: string } };
        const text = answerOf(ack, Object.values(payload as Record<string, string>));
        expect(NOT_THERE, `${name} ${JSON.stringify(payload)} → ${text}`).toContain(ack.error?.code);
        for (const secret of b.secrets) expect(text, `${name} holds ${secret}`).not.toContain(secret);
      }
      // Nothing of B's reached A's socket meanwhile.
      const seen = answerOf(alpha.events, [b.ids.channelId!, b.ids.streamId!, b.ids.messageId!]);
      for (const secret of b.secrets) expect(seen).not.toContain(secret);
    } finally {
      alpha.close();
    }
    // Nor does it upload into app B, or attach app B's upload in app A.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const upload = await fetch(`${platform.urls.api}/v1/apps/${b.appId}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-user-token': a.userToken('alpha-fan') },
      body: new Uint8Array(png),
    });
    expect(upload.status).toBe(404);
    const theirs = (await api.call('GET', `/v1/apps/${b.appId}/uploads`, { auth: b.keyAuth })).body.data[0];
    const channel = await api.call('POST', `/v1/apps/${a.appId}/channels`, {
      auth: a.keyAuth,
      body: { type: 'messaging' },
    });
    const sender = await connect(platform.urls.realtime!, a.userToken('alpha-fan'));
    try {
      await sender.request('channel.join', { channelId: channel.body.id });
      const ack = (await sender.request('message.send', {
        channelId: channel.body.id,
        text: 'look',
        attachments: [{ type: 'image', url: theirs.url }],
      })) as { error?: { code: string } };
      expect(ack.error?.code).toBe('attachment_not_allowed');
    } finally {
      sender.close();
    }
    await b.expectIntact();
  });
});

describe('the permission table decides every app route', () => {
  it('every role and an API key get exactly what PERMISSIONS grants, on every route', async () => {
    const owner = await api.register();
    const users = {
      admin: await api.register(),
      editor: await api.register(),
      viewer: await api.register(),
    };
    const appScoped = appRoutes();
    const missing = appScoped.filter((o) => !o.permission || !(o.permission in PERMISSIONS));
    expect(
      missing.map((o) => o.operationId),
      'routes without a known x-permission',
    ).toEqual([]);
    for (const op of appScoped) {
      // A fresh app per route, so that a permitted destructive call cannot spoil the next check.
      const app = await api.createApp(owner.token, `perm ${op.operationId}`);
      for (const [role, user] of Object.entries(users)) await api.addMember(owner.token, app.appId, user, role);
      const callers: [string, Auth][] = [
        ...Object.entries(users).map(([role, u]) => [role, { bearer: u.token }] as [string, Auth]),
        ['apiKey', { basic: [app.key, app.secret] }],
        ['owner', { bearer: owner.token }],
      ];
      for (const [who, auth] of callers) {
        const perm = PERMISSIONS[op.permission!];
        const allowed = who === 'apiKey' ? perm.apiKey : (perm.roles as readonly string[]).includes(who);
        const res = await api.call(op.method, fill(op.path, { appId: app.appId }), {
          auth,
          body: op.hasBody ? {} : undefined,
        });
        const code = res.body?.error?.code;
        const label = `${who} → ${op.method} ${op.path} (${op.permission}) gave ${res.status} ${code ?? ''}`;
        if (allowed) {
          expect(res.status, label).not.toBe(401);
          expect(['forbidden', 'app_not_found'], label).not.toContain(code);
        } else {
          expect(res.status, label).toBe(403);
          expect(code, label).toBe('forbidden');
        }
      }
    }
  });
});

// ---- bad input -------------------------------------------------------------------------

const NASTY: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  ['a', 'b'],
  null,
  true,
  -1,
  1e308,
  'x'.repeat(10_000),
  '\u0000',
  '../../etc/passwd',
  { nested: { $regex: '.*' } },
  [],
  {},
];

function badBodies(schema: any): string[] {
  const props = Object.keys(schema?.properties ?? {});
  const valid: Record<string, unknown> = {};
  const bodies: unknown[] = [
    { unknownField: 1 },
    [],
    'text',
    42,
    null,
    { __proto__: { admin: true } },
    { constructor: { prototype: {} } },
  ];
  for (const p of props) {
    for (const v of NASTY) bodies.push({ ...valid, [p]: v });
    bodies.push({ [p]: { $gt: '' }, unknownField: true });
  }
  const raws = ['{', '{"a":', 'not json', '[1,2', '{"a":1}}', '\u0000\u0001', '{"email":"a@b.c","password":'];
  return [...bodies.map((b) => JSON.stringify(b) ?? 'null'), ...raws];
}

const OVERSIZED = JSON.stringify({ blob: 'x'.repeat(1_100_000) });

/**
 * A body over the limit is answered (413) before it is read; fetch reports the early close as a
 * network error, so this one goes through node:http, which hands over the response it got.
 */
function sendOversized(method: string, path: string, auth: Auth): Promise<{ status: number; body: any }> {
  return new Promise((resolve) => {
    const url = new URL(platform.urls.api + path);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(OVERSIZED),
    };
    if (auth && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
    let done = false;
    const finish = (status: number, body: any) => {
      if (!done) resolve({ status, body });
      done = true;
    };
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, timeout: 10_000 },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          try {
            finish(res.statusCode ?? 0, JSON.parse(text));
          } catch {
            finish(res.statusCode ?? 0, text);
          }
        });
        res.on('error', () => finish(res.statusCode ?? 0, text));
      },
    );
    req.on('error', () => undefined); // the server may close while we are still writing
    req.on('timeout', () => req.destroy());
    req.on('close', () => setTimeout(() => finish(0, 'connection closed without a response'), 50));
    req.end(OVERSIZED);
  });
}

describe('bad input never produces a 5xx', () => {
  it('a generated batch of over 1,000 bad requests gets 4xx with the error body, and nothing is lost', async () => {
    const dev = await api.register();
    const app = await api.createApp(dev.token, 'fuzz target');
    const params = { appId: app.appId, keyId: app.keyId };
    const requests: { method: string; path: string; raw?: string; headers?: Record<string, string>; auth: Auth }[] = [];
    for (const op of ops) {
      if (op.path.startsWith('/internal')) continue;
      const auth: Auth = { bearer: dev.token };
      if (op.hasBody) {
        for (const raw of badBodies(op.bodySchema))
          requests.push({ method: op.method, path: fill(op.path, params), raw, auth });
        requests.push({ method: op.method, path: fill(op.path, params), raw: OVERSIZED, auth });
        for (const type of [
          'text/plain',
          'application/json; charset=utf-16',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
        ]) {
          requests.push({
            method: op.method,
            path: fill(op.path, params),
            raw: '{"a":1}',
            headers: { 'content-type': type },
            auth,
          });
        }
      }
      // Hostile path parameters (never the real appId on a body-less route, so nothing real is deleted).
      for (const evil of [
        '%24gt',
        '..%2F..%2Fetc',
        '%00',
        'x'.repeat(300),
        '%7B%22%24ne%22%3A1%7D',
        '%E2%80%AE',
        'null',
        'undefined',
        '__proto__',
        'constructor',
      ]) {
        const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === 'appId' && op.hasBody ? app.appId : evil));
        if (path !== op.path) requests.push({ method: op.method, path, raw: op.hasBody ? '{}' : undefined, auth });
      }
      for (const v of NASTY) {
        const value = encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
        requests.push({
          method: op.method,
          path: `${fill(op.path, { appId: 'app_doesnotexist000000' })}?limit=${value}&cursor=${value}`,
          raw: op.hasBody ? '{}' : undefined,
          auth,
        });
      }
      if (op.method === 'GET') {
        for (const q of [
          'limit=-1',
          'limit=abc',
          'limit=100000',
          'cursor=%7B%7D',
          'cursor=' + 'A'.repeat(500),
          'from=yesterday',
          'status[$ne]=x',
        ]) {
          requests.push({ method: 'GET', path: `${fill(op.path, params)}?${q}`, auth });
        }
      }
    }
    // Broken credentials on a real route.
    for (const header of [
      'Bearer',
      'Bearer x.y.z',
      'Basic ' + Buffer.from('nocolon').toString('base64'),
      'Basic %%%',
      'Digest abc',
      'Bearer ' + 'a'.repeat(5000),
    ]) {
      requests.push({ method: 'GET', path: `/v1/apps/${app.appId}`, headers: { authorization: header }, auth: null });
    }
    expect(requests.length).toBeGreaterThanOrEqual(1000);

    const fives: string[] = [];
    const withoutBody: string[] = [];
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const res =
            r.raw === OVERSIZED
              ? await sendOversized(r.method, r.path, r.auth)
              : await api.call(r.method, r.path, { auth: r.auth, raw: r.raw, headers: r.headers });
          if (res.status >= 500 || res.status === 0)
            fives.push(`${r.method} ${r.path} ${r.raw?.slice(0, 80)} → ${res.status}`);
          if (res.status >= 400 && typeof res.body?.error?.code !== 'string') {
            withoutBody.push(
              `${r.method} ${r.path.slice(0, 100)} → ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`,
            );
          }
        }
      }),
    );
    expect(fives).toEqual([]);
    expect(withoutBody).toEqual([]);
    // Nothing was lost: the app, its owner and its first key are all still there and working.
    // (Some generated values are valid, e.g. a name of "../../etc/passwd", and were stored as text.)
    // The batch signs the session out (POST /v1/auth/logout is one of its routes): sign in again to look.
    const login = await api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const after = await api.call('GET', `/v1/apps/${app.appId}`, { auth: { bearer: login.body.accessToken } });
    expect(after.status).toBe(200);
    expect(after.body.role).toBe('owner');
    const key = await api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } });
    expect(key.status).toBe(200);
  });
});
