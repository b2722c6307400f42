// Developer sessions end at once on every node: two control planes on one store and one Redis bus, over real
// HTTP. The clock only moves when a test steps it, so a node's cache of open sessions never expires by time:
// a token refused on the other node was refused because the revocation reached it over the bus.
import { generate } from 'otplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventPublisher,
  createLogger,
  EmbeddedStore,
  RedisBus,
  SecretBox,
  type Mail,
  type Mailer,
} from '@beamline/core';
import { startRedis, tempDir, waitFor, type RedisServer } from '@beamline/core/testing';
import { controlPlaneDeps, createControlPlane, type ControlPlane } from '../../src';
import type { ControlPlaneDeps } from '../../src/deps';
import { ApiClient, testConfig } from '../helpers';

const base = Date.now();
const clock = { offsetMs: 0, now: () => new Date(base + clock.offsetMs) };
const epochNow = () => Math.floor(clock.now().getTime() / 1000);

const dir = tempDir();
const sent: Mail[] = [];
const mailer: Mailer = { kind: 'smtp', send: async (mail) => void sent.push(mail) };
let redis: RedisServer;
let store: EmbeddedStore;
const planes: ControlPlane[] = [];
const buses: RedisBus[] = [];
/** node1 and node2: the same platform reached through two processes' worth of control plane. */
let node1: ApiClient;
let node2: ApiClient;

async function startNode(config: ControlPlaneDeps['config']): Promise<ApiClient> {
  const bus = new RedisBus(new Redis(redis.url), new Redis(redis.url));
  buses.push(bus);
  const plane = await createControlPlane(
    controlPlaneDeps({
      config,
      store,
      bus,
      events: createEventPublisher({ store, bus }),
      log: createLogger({ name: 'test', level: 'silent', pretty: false }),
      clock,
      secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
      mail: mailer,
    }),
  );
  planes.push(plane);
  const { port } = await plane.listen(0, '127.0.0.1', { workers: false });
  return new ApiClient((path, init) => fetch(`http://127.0.0.1:${port}${path}`, init));
}

beforeAll(async () => {
  redis = await startRedis();
  store = new EmbeddedStore({ dataDir: dir.path });
  const config = testConfig(dir.path);
  node1 = await startNode(config);
  node2 = await startNode(config);
});

afterAll(async () => {
  for (const p of planes) await p.close();
  for (const b of buses) await b.close();
  await store?.close();
  await redis?.stop();
  dir.remove();
});

const me = (api: ApiClient, token: string) => api.call('GET', '/v1/me', { auth: { bearer: token } });

/** Both nodes accept the token now (and remember that its session is open). */
async function acceptedEverywhere(token: string) {
  expect((await me(node1, token)).status).toBe(200);
  expect((await me(node2, token)).status).toBe(200);
}

/** Refused at once on node 1 (where the change happened) and within 5 s on node 2. */
async function refusedEverywhere(token: string) {
  const here = await me(node1, token);
  expect(here.status).toBe(401);
  expect(here.body.error.code).toBe('session_ended');
  const there = await waitFor(
    async () => {
      const res = await me(node2, token);
      return res.status === 401 ? res : null;
    },
    { timeoutMs: 5_000, intervalMs: 25, what: 'node 2 to refuse the access token' },
  );
  expect(there.body.error.code).toBe('session_ended');
}

async function logIn(email: string, password: string) {
  const res = await node1.call('POST', '/v1/auth/login', { body: { email, password } });
  expect(res.status).toBe(200);
  return { token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string };
}

describe('access tokens stop working on every node', () => {
  it('when the developer logs out: that session only', async () => {
    const dev = await node1.register();
    const other = await logIn(dev.email, dev.password);
    await acceptedEverywhere(dev.token);
    await acceptedEverywhere(other.token);
    const out = await node1.call('POST', '/v1/auth/logout', { body: { refreshToken: dev.refreshToken } });
    expect(out.status).toBe(204);
    await refusedEverywhere(dev.token);
    await acceptedEverywhere(other.token);
  });

  it('when the developer signs out everywhere: every session, this one included', async () => {
    const dev = await node1.register();
    const laptop = await logIn(dev.email, dev.password);
    await acceptedEverywhere(dev.token);
    await acceptedEverywhere(laptop.token);
    const out = await node1.call('POST', '/v1/auth/logout-all', { auth: { bearer: dev.token } });
    expect(out.status).toBe(204);
    await refusedEverywhere(dev.token);
    await refusedEverywhere(laptop.token);
    const refresh = await node2.call('POST', '/v1/auth/refresh', { body: { refreshToken: laptop.refreshToken } });
    expect(refresh.status).toBe(401);
  });

  it('when the password changes: every earlier token, the caller gets a new session', async () => {
    const dev = await node1.register();
    const stolen = await logIn(dev.email, dev.password);
    await acceptedEverywhere(dev.token);
    await acceptedEverywhere(stolen.token);
    const wrong = await node1.call('POST', '/v1/me/password', {
      auth: { bearer: dev.token },
      body: { currentPassword: 'not the password', newPassword: 'a new long password' },
    });
    expect(wrong.status).toBe(401);
    await acceptedEverywhere(stolen.token);
    const changed = await node1.call('POST', '/v1/me/password', {
      auth: { bearer: dev.token },
      body: { currentPassword: dev.password, newPassword: 'a new long password' },
    });
    expect(changed.status).toBe(200);
    await refusedEverywhere(stolen.token);
    await refusedEverywhere(dev.token);
    await acceptedEverywhere(changed.body.accessToken);
    const old = await node2.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(old.status).toBe(401);
  });

  it('when the password is reset through the mailed link', async () => {
    const dev = await node1.register();
    await acceptedEverywhere(dev.token);
    expect((await node2.call('POST', '/v1/auth/password-reset', { body: { email: dev.email } })).status).toBe(202);
    const mail = sent.find((m) => m.to === dev.email && /reset/i.test(m.subject))!;
    const token = new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;
    const reset = await node1.call('POST', '/v1/auth/password-reset/confirm', {
      body: { token, password: 'a reset long password' },
    });
    expect(reset.status).toBe(204);
    await refusedEverywhere(dev.token);
  });

  it('when the account is deleted', async () => {
    const dev = await node1.register();
    await node1.createApp(dev.token, 'Soon gone');
    await acceptedEverywhere(dev.token);
    const del = await node1.call('POST', '/v1/me/delete', {
      auth: { bearer: dev.token },
      body: { password: dev.password },
    });
    expect(del.status).toBe(200);
    await refusedEverywhere(dev.token);
    const create = await node2.call('POST', '/v1/apps', { auth: { bearer: dev.token }, body: { name: 'ghost' } });
    expect(create.status).toBe(401);
  });

  it('when two-factor authentication is turned off: every earlier token, the caller gets a new session', async () => {
    const dev = await node1.register();
    const setup = await node1.call('POST', '/v1/me/2fa/setup', { auth: { bearer: dev.token } });
    const first = await generate({ secret: setup.body.secret, epoch: epochNow() });
    const on = await node1.call('POST', '/v1/me/2fa/confirm', { auth: { bearer: dev.token }, body: { code: first } });
    expect(on.status).toBe(200);
    await acceptedEverywhere(dev.token);
    clock.offsetMs += 30_000;
    const code = await generate({ secret: setup.body.secret, epoch: epochNow() });
    const off = await node1.call('POST', '/v1/me/2fa/disable', {
      auth: { bearer: dev.token },
      body: { password: dev.password, code },
    });
    expect(off.status).toBe(200);
    await refusedEverywhere(dev.token);
    await acceptedEverywhere(off.body.accessToken);
  });

  it('when a stolen refresh token is used twice: the whole log-in', async () => {
    const dev = await node1.register();
    const next = await node1.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(next.status).toBe(200);
    await acceptedEverywhere(next.body.accessToken);
    const reuse = await node1.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    await refusedEverywhere(next.body.accessToken);
  });
});
