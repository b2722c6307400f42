// The control plane as its own process (cluster mode): strict config, health, readiness, docs,
// and rate limits shared through Redis by two instances.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort, startRedis, tempDir, waitFor, type RedisServer } from '@beamline/core/testing';
import { createEventPublisher, createLogger, EmbeddedStore, InProcessBus, SecretBox } from '@beamline/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneDeps, createControlPlane, parseControlPlaneConfig, systemClock } from '../../src';
import { ApiClient } from '../helpers';

const secrets = () => ({
  JWT_SECRET: randomBytes(32).toString('hex'),
  EDGE_SECRET: randomBytes(32).toString('hex'),
  MASTER_KEY: randomBytes(32).toString('hex'),
});

function run(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'control-plane/src/main.ts'], {
    env: { PATH: process.env.PATH!, LOG_LEVEL: 'info', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d));
  proc.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('start-up', () => {
  it('stops with a message naming each missing or malformed variable', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { output, exited } = run({ DATA_DIR: dir.path, PORT: 'eighty', MASTER_KEY: 'short' });
    expect(await exited).toBe(1);
    expect(output()).toMatch(/PORT/);
    expect(output()).toMatch(/JWT_SECRET/);
    expect(output()).toMatch(/EDGE_SECRET/);
    expect(output()).toMatch(/MASTER_KEY: must be 32 bytes/);
  });

  it('serves health, readiness, the OpenAPI 3.1 document and the interactive reference', async () => {
    const dir = tempDir();
    const port = await freePort();
    const cp = run({ ...secrets(), DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' });
    cleanups.push(
      () => dir.remove(),
      () => cp.proc.kill('SIGKILL'),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok), { timeoutMs: 30_000, what: 'control plane' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', store: 'embedded' });
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/apps/{appId}/keys'].post.operationId).toBe('createApiKey');
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('/openapi.json');
    // Production logs are JSON lines that carry the request id of the request they belong to.
    const res = await fetch(`${base}/v1/nope`, { headers: { 'x-request-id': 'req-trace-1' } });
    expect(res.headers.get('x-request-id')).toBe('req-trace-1');
    expect((await res.json()).error.requestId).toBe('req-trace-1');
    cp.proc.kill('SIGTERM');
    expect(await cp.exited).toBe(0);
    const lines = cp
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('rate limits across instances', () => {
  let redis: RedisServer;
  it('two control planes sharing Redis enforce one limit per API key', async () => {
    redis = await startRedis();
    cleanups.push(() => redis.stop());
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const config = parseControlPlaneConfig({
      ...secrets(),
      DATA_DIR: dir.path,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_API_KEY_PER_MINUTE: '20',
    });
    const store = new EmbeddedStore({ dataDir: dir.path });
    const nodes = [];
    for (let i = 0; i < 2; i++) {
      const client = new Redis(redis.url);
      cleanups.push(() => client.disconnect());
      const bus = new InProcessBus();
      nodes.push(
        await createControlPlane(
          controlPlaneDeps({
            config,
            store,
            bus,
            events: createEventPublisher({ store, bus }),
            log: createLogger({ name: 'test', level: 'silent', pretty: false }),
            clock: systemClock,
            secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
            redis: client,
          }),
        ),
      );
    }
    const [a, b] = nodes.map((n) => new ApiClient((path, init) => n.http.app.request(path, init)));
    const dev = await a!.register();
    const app = await a!.createApp(dev.token);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const api = i % 2 === 0 ? a! : b!;
      statuses.push(
        (await api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } })).status,
      );
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});
