// An in-process control plane on a fresh embedded store, and a small JSON client for app.request().
import { createEventPublisher, EmbeddedStore, InProcessBus, SecretBox, createLogger } from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { randomBytes } from 'node:crypto';
import { controlPlaneDeps, createControlPlane, parseControlPlaneConfig, systemClock, type ControlPlane } from '../src';
import type { Clock } from '../src/context';
import type { ControlPlaneDeps } from '../src/deps';

export interface TestControlPlane {
  cp: ControlPlane;
  api: ApiClient;
  store: EmbeddedStore;
  bus: InProcessBus;
  box: SecretBox;
  /** What the control plane was built from, for building its parts (a dispatcher) on the same store. */
  deps: ControlPlaneDeps;
  dataDir: string;
  close(): Promise<void>;
}

/** A test control plane's configuration: fresh secrets, data under `dataDir`, quiet logs; `env` on top. */
export function testConfig(dataDir: string, env: Record<string, string> = {}) {
  return parseControlPlaneConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    EDGE_SECRET: randomBytes(32).toString('hex'),
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export async function buildTestControlPlane(
  env: Record<string, string> = {},
  clock: Clock = systemClock,
): Promise<TestControlPlane> {
  const dir = tempDir();
  const config = testConfig(dir.path, env);
  const store = new EmbeddedStore({ dataDir: dir.path });
  const bus = new InProcessBus();
  const box = new SecretBox(Buffer.from(config.MASTER_KEY, 'hex'));
  const deps = controlPlaneDeps({
    config,
    store,
    bus,
    events: createEventPublisher({ store, bus }),
    log: createLogger({ name: 'test', level: 'silent', pretty: false }),
    clock,
    secretBox: box,
  });
  const cp = await createControlPlane(deps);
  return {
    cp,
    store,
    bus,
    box,
    deps,
    dataDir: dir.path,
    api: new ApiClient((path, init) => cp.http.app.request(path, init)),
    close: async () => {
      await cp.close();
      await store.close();
      dir.remove();
    },
  };
}

export type Auth = { bearer: string } | { basic: [string, string] } | null;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(private readonly fetcher: (path: string, init: RequestInit) => Response | Promise<Response>) {}

  async call<T = any>(
    method: string,
    path: string,
    opts: { auth?: Auth; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth && 'bearer' in opts.auth) headers.authorization = `Bearer ${opts.auth.bearer}`;
    if (opts.auth && 'basic' in opts.auth)
      headers.authorization = `Basic ${Buffer.from(opts.auth.basic.join(':')).toString('base64')}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await this.fetcher(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Registers a developer and returns the session. */
  async register(email = `dev-${Math.random().toString(36).slice(2)}@example.com`, password = 'correct horse battery') {
    const res = await this.call('POST', '/v1/auth/register', { body: { email, password } });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      email,
      password,
      userId: res.body.user.id as string,
      token: res.body.accessToken as string,
      refreshToken: res.body.refreshToken as string,
    };
  }

  async createApp(token: string, name = 'App') {
    const res = await this.call('POST', '/v1/apps', { auth: { bearer: token }, body: { name } });
    if (res.status !== 201) throw new Error(`createApp failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      appId: res.body.app.id as string,
      key: res.body.apiKey.key as string,
      secret: res.body.apiKey.secret as string,
      keyId: res.body.apiKey.id as string,
    };
  }

  /** Invites `email` with `role` and accepts as that user; returns the member id. */
  async addMember(ownerToken: string, appId: string, member: { token: string; email: string }, role: string) {
    const inv = await this.call('POST', `/v1/apps/${appId}/members/invitations`, {
      auth: { bearer: ownerToken },
      body: { email: member.email, role },
    });
    if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
    const acc = await this.call('POST', '/v1/invitations/accept', {
      auth: { bearer: member.token },
      body: { token: inv.body.token },
    });
    if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
    return acc.body.member.id as string;
  }
}

/** Serves a test control plane on a loopback port: a client that calls it over real HTTP, and its base URL. */
export async function overLoopback(t: TestControlPlane): Promise<{ api: ApiClient; base: string }> {
  const { port } = await t.cp.listen(0, '127.0.0.1', { workers: false });
  const base = `http://127.0.0.1:${port}`;
  return { base, api: new ApiClient((path, init) => fetch(base + path, init)) };
}
