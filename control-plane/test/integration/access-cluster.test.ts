// What authentication reads (API keys, apps, memberships, sessions) is cached on each node, and a revocation
// reaches every node: control planes on one store, over real HTTP. node1 and node2 share a Redis bus; node3
// listens on another prefix of the same Redis, so it hears no change and only its TTL makes it look again.
// The clock only moves when a test steps it: a refusal on node2 comes from the bus, on node3 from the TTL.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventPublisher,
  createLogger,
  EmbeddedStore,
  RedisBus,
  SecretBox,
  type DocumentStore,
} from '@beamline/core';
import { startRedis, tempDir, waitFor, type RedisServer } from '@beamline/core/testing';
import { controlPlaneDeps, createControlPlane, type ControlPlane } from '../../src';
import type { ControlPlaneDeps } from '../../src/deps';
import { ACCESS_CACHE_TTL_MS } from '../../src/http/access';
import { SESSION_CHECK_TTL_MS } from '../../src/accounts/sessions';
import { ApiClient, testConfig, type ApiResponse, type Auth } from '../helpers';

const base = Date.now();
const clock = { offsetMs: 0, now: () => new Date(base + clock.offsetMs) };

const dir = tempDir();
let redis: RedisServer;
let store: EmbeddedStore;
const planes: ControlPlane[] = [];
const buses: RedisBus[] = [];
let node1: ApiClient;
let node2: ApiClient;
let node3: ApiClient;
/** Calls node2 makes to the store (every collection method), for the "no round trip" check. */
let node2StoreCalls = 0;

/** The store as one node sees it, counting the calls it makes. */
function counted(inner: DocumentStore, count: () => void): DocumentStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'collection') return (value as (...a: unknown[]) => unknown).bind(target);
      return (name: string) =>
        new Proxy((value as (n: string) => object).call(target, name), {
          get(coll, method, r) {
            const fn = Reflect.get(coll, method, r) as unknown;
            if (typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              count();
              return (fn as (...a: unknown[]) => unknown).apply(coll, args);
            };
          },
        });
    },
  });
}

async function startNode(
  config: ControlPlaneDeps['config'],
  busPrefix: string,
  nodeStore: DocumentStore = store,
): Promise<ApiClient> {
  const bus = new RedisBus(new Redis(redis.url), new Redis(redis.url), busPrefix);
  buses.push(bus);
  const plane = await createControlPlane(
    controlPlaneDeps({
      config,
      store: nodeStore,
      bus,
      events: createEventPublisher({ store, bus }),
      log: createLogger({ name: 'test', level: 'silent', pretty: false }),
      clock,
      secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
    }),
  );
  planes.push(plane);
  const { port } = await plane.listen(0, '127.0.0.1', { workers: false });
  return new ApiClient((path, init) => fetch(`http://127.0.0.1:${port}${path}`, init));
}

beforeAll(async () => {
  redis = await startRedis();
  store = new EmbeddedStore({ dataDir: dir.path });
  const config = testConfig(dir.path, {
    RATE_LIMIT_API_KEY_PER_MINUTE: '100000',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
  });
  node1 = await startNode(config, 'bus:');
  node2 = await startNode(
    config,
    'bus:',
    counted(store, () => node2StoreCalls++),
  );
  node3 = await startNode(config, 'deaf:');
});

afterAll(async () => {
  for (const p of planes) await p.close();
  for (const b of buses) await b.close();
  await store?.close();
  await redis?.stop();
  dir.remove();
});

const get = (api: ApiClient, path: string, auth: Auth) => api.call('GET', path, { auth });

/** `path` answers `status` on every node now (and each node remembers what it read to say so). */
async function everywhere(path: string, auth: Auth, status: number) {
  for (const api of [node1, node2, node3]) expect((await get(api, path, auth)).status).toBe(status);
}

/** node2 answers `status` within 5 s of the change made on node1; polled, no fixed wait. */
function onNode2Within5s(path: string, auth: Auth, status: number): Promise<ApiResponse> {
  return waitFor(
    async () => {
      const res = await get(node2, path, auth);
      return res.status === status ? res : null;
    },
    { timeoutMs: 5_000, intervalMs: 25, what: `node 2 to answer ${status} to GET ${path}` },
  );
}

const basic = (app: { key: string; secret: string }): Auth => ({ basic: [app.key, app.secret] });

describe('revocations reach every node within 5 s', () => {
  it('an API key revoked', async () => {
    const dev = await node1.register();
    const app = await node1.createApp(dev.token, 'Keys');
    const path = `/v1/apps/${app.appId}`;
    await everywhere(path, basic(app), 200);
    const revoked = await node1.call('DELETE', `/v1/apps/${app.appId}/keys/${app.keyId}`, {
      auth: { bearer: dev.token },
    });
    expect(revoked.status).toBe(200);
    expect((await get(node1, path, basic(app))).status).toBe(401);
    expect((await onNode2Within5s(path, basic(app), 401)).body.error.code).toBe('invalid_api_key');
  });

  it('an API key rotated without grace: the old secret stops, the new one works', async () => {
    const dev = await node1.register();
    const app = await node1.createApp(dev.token, 'Rotation');
    const path = `/v1/apps/${app.appId}`;
    await everywhere(path, basic(app), 200);
    const rotated = await node1.call('POST', `/v1/apps/${app.appId}/keys/${app.keyId}/rotate`, {
      auth: { bearer: dev.token },
      body: { gracePeriodSeconds: 0 },
    });
    expect(rotated.status).toBe(200);
    await onNode2Within5s(path, basic(app), 401);
    expect((await get(node2, path, basic({ key: app.key, secret: rotated.body.secret }))).status).toBe(200);
  });

  it('a member removed, and a member whose role went down', async () => {
    const owner = await node1.register();
    const app = await node1.createApp(owner.token, 'Team');
    const gone = await node1.register();
    const demoted = await node1.register();
    const goneId = await node1.addMember(owner.token, app.appId, gone, 'editor');
    const demotedId = await node1.addMember(owner.token, app.appId, demoted, 'admin');
    const keys = `/v1/apps/${app.appId}/keys`;
    await everywhere(`/v1/apps/${app.appId}`, { bearer: gone.token }, 200);
    await everywhere(keys, { bearer: demoted.token }, 200);

    const removed = await node1.call('DELETE', `/v1/apps/${app.appId}/members/${goneId}`, {
      auth: { bearer: owner.token },
    });
    expect(removed.status).toBe(204);
    expect((await get(node1, `/v1/apps/${app.appId}`, { bearer: gone.token })).status).toBe(404);
    await onNode2Within5s(`/v1/apps/${app.appId}`, { bearer: gone.token }, 404);

    const changed = await node1.call('PATCH', `/v1/apps/${app.appId}/members/${demotedId}`, {
      auth: { bearer: owner.token },
      body: { role: 'viewer' },
    });
    expect(changed.status).toBe(200);
    expect((await get(node1, keys, { bearer: demoted.token })).status).toBe(403);
    expect((await onNode2Within5s(keys, { bearer: demoted.token }, 403)).body.error.code).toBe('forbidden');
  });

  it('an account deleted: its token and its memberships', async () => {
    const owner = await node1.register();
    const app = await node1.createApp(owner.token, 'Shared');
    const leaver = await node1.register();
    await node1.addMember(owner.token, app.appId, leaver, 'editor');
    await everywhere(`/v1/apps/${app.appId}`, { bearer: leaver.token }, 200);
    const del = await node1.call('POST', '/v1/me/delete', {
      auth: { bearer: leaver.token },
      body: { password: leaver.password },
    });
    expect(del.status).toBe(200);
    await onNode2Within5s(`/v1/apps/${app.appId}`, { bearer: leaver.token }, 401);
    const members = await node2.call('GET', `/v1/apps/${app.appId}/members`, { auth: { bearer: owner.token } });
    expect(members.body.data.map((m: { userId: string }) => m.userId)).not.toContain(leaver.userId);
  });

  it('an app archived: its API keys; an app deleted: its keys and its members', async () => {
    const owner = await node1.register();
    const archived = await node1.createApp(owner.token, 'Archived');
    await everywhere(`/v1/apps/${archived.appId}`, basic(archived), 200);
    const archive = await node1.call('POST', `/v1/apps/${archived.appId}/archive`, { auth: { bearer: owner.token } });
    expect(archive.status).toBe(200);
    expect((await get(node1, `/v1/apps/${archived.appId}`, basic(archived))).status).toBe(403);
    const refused = await onNode2Within5s(`/v1/apps/${archived.appId}`, basic(archived), 403);
    expect(refused.body.error.code).toBe('app_archived');

    const doomed = await node1.createApp(owner.token, 'Deleted');
    const member = await node1.register();
    await node1.addMember(owner.token, doomed.appId, member, 'viewer');
    await everywhere(`/v1/apps/${doomed.appId}`, basic(doomed), 200);
    await everywhere(`/v1/apps/${doomed.appId}`, { bearer: member.token }, 200);
    const del = await node1.call('DELETE', `/v1/apps/${doomed.appId}`, { auth: { bearer: owner.token } });
    expect(del.status).toBe(204);
    await onNode2Within5s(`/v1/apps/${doomed.appId}`, basic(doomed), 401);
    await onNode2Within5s(`/v1/apps/${doomed.appId}`, { bearer: member.token }, 404);
  });
});

describe('what each node keeps', () => {
  it('an authenticated GET makes no store round trip while nothing changed (bearer and Basic)', async () => {
    const dev = await node1.register();
    const app = await node1.createApp(dev.token, 'Hot path');
    const path = `/v1/apps/${app.appId}`;
    for (const auth of [{ bearer: dev.token }, basic(app)]) {
      expect((await get(node2, path, auth)).status).toBe(200);
      const before = node2StoreCalls;
      for (let i = 0; i < 20; i++) expect((await get(node2, path, auth)).status).toBe(200);
      expect(node2StoreCalls - before).toBe(0);
    }
  });

  it('a node that missed the bus message refuses once its TTL has passed', async () => {
    const owner = await node1.register();
    const app = await node1.createApp(owner.token, 'Lost message');
    const member = await node1.register();
    const memberId = await node1.addMember(owner.token, app.appId, member, 'editor');
    const path = `/v1/apps/${app.appId}`;
    await everywhere(path, basic(app), 200);
    await everywhere(path, { bearer: member.token }, 200);
    expect(
      (await node1.call('DELETE', `/v1/apps/${app.appId}/keys/${app.keyId}`, { auth: { bearer: owner.token } })).status,
    ).toBe(200);
    expect(
      (await node1.call('DELETE', `/v1/apps/${app.appId}/members/${memberId}`, { auth: { bearer: owner.token } }))
        .status,
    ).toBe(204);
    await onNode2Within5s(path, basic(app), 401);
    // node3 heard nothing and its entries are fresh: it still answers from memory.
    expect((await get(node3, path, basic(app))).status).toBe(200);
    expect((await get(node3, path, { bearer: member.token })).status).toBe(200);
    clock.offsetMs += Math.max(ACCESS_CACHE_TTL_MS, SESSION_CHECK_TTL_MS) + 1;
    expect((await get(node3, path, basic(app))).status).toBe(401);
    expect((await get(node3, path, { bearer: member.token })).status).toBe(404);
  });
});
