// Support for the failure drills: a cluster on free loopback ports, an app with an API key, a webhook
// receiver that records every event it is sent, and a player's round of HLS requests.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { expect } from 'vitest';
import { newDeveloperApp, publish, type Publisher } from '@beamline/testkit';
import { startCluster, type Cluster, type ClusterOptions } from '../../scripts/cluster';

export interface Drill {
  cluster: Cluster;
  logs: string[];
  /** Events received by the webhook endpoint, by event id (redeliveries collapse). */
  received: Map<string, { type: string; data: Record<string, unknown> }>;
  api(path: string, init?: RequestInit): Promise<Response>;
  createStream(
    name: string,
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; streamKey: string; playbackId: string }>;
  statusOf(streamId: string): Promise<string>;
  watch(playbackId: string): Promise<void>;
  /** Publishes like OBS: when the connection drops before `seconds`, ffmpeg is started again after a second. */
  obs(streamKey: string, seconds: number): { launches(): number; stop(): Promise<void> };
  publish(streamKey: string, seconds: number): Publisher;
  close(): Promise<void>;
}

export async function startDrill(
  opts: Omit<ClusterOptions, 'env' | 'onOutput'> & { env?: Record<string, string> },
): Promise<Drill> {
  const dir = tempDir('beamline-drill-');
  const logs: string[] = [];
  const received: Drill['received'] = new Map();
  const hookPort = await freePort();
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as { id: string; type: string; data: Record<string, unknown> };
      received.set(event.id, event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(hookPort, '127.0.0.1', () => r()));
  const publishers: Publisher[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  const cluster = await startCluster({
    ...opts,
    onOutput: (_name, line) => logs.push(line),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      DATA_DIR: dir.path,
      PORT: String(await freePort()),
      REALTIME_PORT: String(await freePort()),
      REALTIME_PORT_2: String(await freePort()),
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
      ...opts.env,
    },
  });
  const dev = await newDeveloperApp(cluster.urls.api, { name: 'Drill', appName: 'Drill app' });
  const appId = dev.appId;
  const basic = `Basic ${Buffer.from(`${dev.key}:${dev.secret}`).toString('base64')}`;
  const api: Drill['api'] = (path, init = {}) =>
    fetch(`${cluster.urls.api}/v1/apps/${appId}${path}`, {
      ...init,
      headers: { authorization: basic, 'content-type': 'application/json', ...init.headers },
    });
  const hook = await api('/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url: `http://127.0.0.1:${hookPort}/hook`, events: ['stream.created', 'stream.live'] }),
  });
  expect(hook.status).toBe(201);

  const start = (streamKey: string, seconds: number) => {
    const p = publish(`${cluster.urls.rtmp}/${streamKey}`, { seconds, size: '320x180', fps: 15 });
    publishers.push(p);
    return p;
  };

  return {
    cluster,
    logs,
    received,
    api,
    createStream: async (name, extra = {}) => {
      const res = await api('/streams', { method: 'POST', body: JSON.stringify({ name, ...extra }) });
      expect(res.status).toBe(201);
      return (await res.json()) as any;
    },
    statusOf: async (streamId) => ((await (await api(`/streams/${streamId}`)).json()) as any).status,
    watch: async (playbackId) => {
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
    },
    publish: start,
    obs: (streamKey, seconds) => {
      const until = Date.now() + seconds * 1000;
      let launches = 0;
      let stopped = false;
      let current: Publisher | undefined;
      const loop = (async () => {
        while (!stopped && Date.now() < until - 1000) {
          launches++;
          current = start(streamKey, Math.ceil((until - Date.now()) / 1000));
          await current.exited;
          if (!stopped) await new Promise((r) => setTimeout(r, 1000)); // OBS waits before it reconnects
        }
      })();
      const stop = async () => {
        stopped = true;
        await current?.stop();
        await loop;
      };
      stoppers.push(stop);
      return { launches: () => launches, stop };
    },
    close: async () => {
      for (const s of stoppers) await s();
      for (const p of publishers) await p.stop();
      await cluster.stop();
      await new Promise<void>((r) => receiver.close(() => r()));
      if (process.env.DRILL_LOG) writeFileSync(process.env.DRILL_LOG, logs.join('\n'));
      dir.remove();
    },
  };
}

/** Waits until the webhook receiver holds `type` events for every id in `streamIds`. */
export function webhooksFor(drill: Drill, type: string, streamIds: string[], timeoutMs = 20_000) {
  return waitFor(
    () => {
      const got = new Set([...drill.received.values()].filter((e) => e.type === type).map((e) => e.data.streamId));
      return streamIds.every((id) => got.has(id));
    },
    { timeoutMs, what: `${type} webhooks for ${streamIds.length} streams` },
  );
}
