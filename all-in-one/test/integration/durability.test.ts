// Every acknowledged write survives kill -9: the real `npm start` process, killed without warning.
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, type PlatformProcess, spawnPlatform, testEnv } from '@beamline/testkit';
import { rmSync } from 'node:fs';

let running: PlatformProcess | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  await running?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('durability of the embedded store', () => {
  it('acknowledges N writes, survives kill -9, and has all N after restart', async () => {
    const env = await testEnv();
    dataDir = env.DATA_DIR;
    running = await spawnPlatform(env);
    const api = new ApiClient((path, init) => fetch(running!.api + path, init));
    const dev = await api.register();
    const app = await api.createApp(dev.token, 'durable');
    const N = 200;
    const acknowledged: string[] = [];
    // Writes in flight concurrently, as real traffic would be; only acknowledged ones are counted.
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = worker; i < N; i += 8) {
          const res = await api.call('POST', `/v1/apps/${app.appId}/keys`, {
            auth: { bearer: dev.token },
            body: { name: `key-${i}` },
          });
          expect(res.status).toBe(201);
          acknowledged.push(res.body.id);
        }
      }),
    );
    expect(acknowledged).toHaveLength(N);
    await running.kill('SIGKILL');
    expect(running.proc.signalCode).toBe('SIGKILL');

    running = await spawnPlatform(env);
    const after = new ApiClient((path, init) => fetch(running!.api + path, init));
    const login = await after.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.status).toBe(200);
    const keys = await after.call('GET', `/v1/apps/${app.appId}/keys`, { auth: { bearer: login.body.accessToken } });
    const ids = new Set(keys.body.data.map((k: { id: string }) => k.id));
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    expect(ids.size).toBe(N + 1); // plus the app's first key
    // The first key's secret still opens the app: sealed secrets and the master key survived too.
    const basic = await after.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } });
    expect(basic.status).toBe(200);
  });
});
