// Failure drill, cluster mode (control plane and media edge as separate processes over Redis):
// a hung, then killed (-9) control plane while ffmpeg publishes and webhooks flow. The edge keeps
// serving HLS of the live stream, refuses new publishes within a bounded wait, and everything
// recovers when the control plane is back, with every acknowledged event delivered as a webhook.
import { createServer, type Server } from 'node:http';
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish, type Publisher } from '../../../media-edge/test/support';
import { startCluster, type Cluster } from '../../../scripts/cluster';

let cluster: Cluster;
let dir: ReturnType<typeof tempDir>;
const logs: string[] = [];
const publishers: Publisher[] = [];
let receiver: Server;
const received = new Map<string, { type: string; data: Record<string, unknown> }>();
let app: { appId: string; basic: string };

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${cluster.urls.api}/v1/apps/${app.appId}${path}`, {
    ...init,
    headers: { authorization: app.basic, 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  dir = tempDir('beamline-drill-');
  const hookPort = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as { id: string; type: string; data: Record<string, unknown> };
      received.set(event.id, event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(hookPort, '127.0.0.1', () => r()));
  cluster = await startCluster({
    services: ['control-plane', 'media-edge'],
    supervise: false,
    onOutput: (_name, line) => logs.push(line),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      DATA_DIR: dir.path,
      PORT: String(await freePort()),
      HLS_PORT: String(await freePort()),
      RTMP_PORT: String(await freePort()),
      CLUSTER_REDIS_PORT: String(await freePort()),
      PUBLIC_HOST: '127.0.0.1',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,1s,1s',
      STATS_INTERVAL_MS: '500',
      MIN_FREE_DISK_MB: '0',
      PLAYBACK_CACHE_SECONDS: '5',
      PLANS_JSON: JSON.stringify({ free: { limits: { concurrentStreams: 5 } } }),
    },
  });
  const post = async (path: string, body: unknown, token?: string) =>
    (await (
      await fetch(`${cluster.urls.api}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
    ).json()) as any;
  const dev = await post('/v1/auth/register', {
    email: `drill-${Date.now()}@example.com`,
    password: 'a long enough password',
    name: 'Drill',
  });
  const created = await post('/v1/apps', { name: 'Drill app' }, dev.accessToken);
  app = {
    appId: created.app.id,
    basic: `Basic ${Buffer.from(`${created.apiKey.key}:${created.apiKey.secret}`).toString('base64')}`,
  };
  const hook = await api('/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url: `http://127.0.0.1:${hookPort}/hook`, events: ['stream.created', 'stream.live'] }),
  });
  expect(hook.status).toBe(201);
}, 90_000);

afterAll(async () => {
  for (const p of publishers) await p.stop();
  await cluster?.stop();
  if (process.env.DRILL_LOG) (await import('node:fs')).writeFileSync(process.env.DRILL_LOG, logs.join('\n'));
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  dir?.remove();
});

async function createStream(name: string): Promise<{ id: string; streamKey: string; playbackId: string }> {
  const res = await api('/streams', { method: 'POST', body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return (await res.json()) as any;
}

/** Loads the master playlist, the first variant and its newest segment: what a player does every few seconds. */
async function watch(playbackId: string): Promise<void> {
  const hls = `${cluster.urls.hls}/hls/${playbackId}`;
  const master = await fetch(`${hls}/master.m3u8`);
  expect(master.status).toBe(200);
  const variant = (await master.text()).split('\n').find((l) => l && !l.startsWith('#'))!;
  const playlist = await fetch(`${hls}/${variant}`);
  expect(playlist.status).toBe(200);
  const segment = (await playlist.text())
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .at(-1)!;
  const seg = await fetch(`${hls}/${variant.replace(/[^/]+$/, '')}${segment}`);
  expect(seg.status).toBe(200);
  expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);
}

const refusedCount = () =>
  logs.filter((l) => l.includes('"msg":"publish refused"') && l.includes('unavailable')).length;

describe('drill: slow, then dead control plane', () => {
  it('keeps HLS of a live stream flowing, refuses new publishes within a bounded wait, and recovers', async () => {
    const live = await createStream('live through the outage');
    publishers.push(publish(`${cluster.urls.rtmp}/${live.streamKey}`, { seconds: 75, size: '320x180', fps: 15 }));
    await waitFor(async () => ((await (await api(`/streams/${live.id}`)).json()) as any).status === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the stream to go live',
    });
    await waitFor(() => watch(live.playbackId).then(() => true), { timeoutMs: 15_000, what: 'HLS to play' });

    // 1. Hung control plane (SIGSTOP: connections open, nothing answers).
    const waiting = await createStream('published while the control plane hangs');
    await cluster.kill('control-plane', 'SIGSTOP');
    const before = refusedCount();
    const startedAt = Date.now();
    const hungPublisher = publish(`${cluster.urls.rtmp}/${waiting.streamKey}`, {
      seconds: 30,
      size: '320x180',
      fps: 15,
    });
    publishers.push(hungPublisher);
    const ended = await hungPublisher.exited;
    const waitedMs = ended.at - startedAt;
    expect(ended.code).not.toBe(0); // the publisher was turned away…
    expect(waitedMs).toBeLessThan(10_000); // …within a bounded wait, not left hanging
    await waitFor(() => refusedCount() > before, { timeoutMs: 5_000, what: 'the edge to log the refusal' });
    await watch(live.playbackId); // viewers of the live stream never noticed

    // 2. Dead control plane (kill -9 while hung).
    await cluster.kill('control-plane', 'SIGKILL');
    const deadPublisher = publish(`${cluster.urls.rtmp}/${waiting.streamKey}`, {
      seconds: 30,
      size: '320x180',
      fps: 15,
    });
    publishers.push(deadPublisher);
    const deadEnd = await deadPublisher.exited;
    expect(deadEnd.code).not.toBe(0);
    expect(deadEnd.at - startedAt - waitedMs).toBeLessThan(10_000);
    for (let i = 0; i < 3; i++) {
      await watch(live.playbackId);
      await new Promise((r) => setTimeout(r, 1000));
    }

    // 3. Recovery: the control plane restarts on the same store; publishing works again.
    cluster.start('control-plane');
    await cluster.waitReady('control-plane', 30_000);
    const again = publish(`${cluster.urls.rtmp}/${waiting.streamKey}`, { seconds: 30, size: '320x180', fps: 15 });
    publishers.push(again);
    await waitFor(async () => ((await (await api(`/streams/${waiting.id}`)).json()) as any).status === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the new publish to go live after recovery',
    });
    await watch(live.playbackId);

    // Every event the API acknowledged reached the webhook receiver, the outage notwithstanding.
    await waitFor(
      () => {
        const created = [...received.values()].filter((e) => e.type === 'stream.created').map((e) => e.data.streamId);
        const liveIds = [...received.values()].filter((e) => e.type === 'stream.live').map((e) => e.data.streamId);
        return [live.id, waiting.id].every((id) => created.includes(id) && liveIds.includes(id));
      },
      { timeoutMs: 20_000, what: 'stream.created and stream.live webhooks for both streams' },
    );
  });

  it('answers readiness and metrics on both processes after the drill', async () => {
    const metrics = await (await fetch(`${cluster.urls.hls}/metrics`)).text();
    expect(metrics).toMatch(/beamline_live_streams\{service="media-edge"\} [12]/);
    expect(metrics).toMatch(
      /beamline_hls_bytes_served_total\{(service="media-edge",kind="live"|kind="live",service="media-edge")\} [1-9]/,
    );
    const status = (await (await fetch(`${cluster.urls.api}/status.json`)).json()) as any;
    expect(status.components.map((c: any) => c.name)).toEqual(['control-plane', 'store', 'media-edge']);
  });
});
