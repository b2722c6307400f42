// Analytics and metering from a real stream: ffmpeg publishes over RTMP for about a minute while three
// viewers fetch the HLS ladder with their own playback tokens; the figures the API shows must match what
// the viewers downloaded. Every usage report of the edge is then sent twice more: nothing may change.
// A second publish of the same Free app meanwhile is over its concurrent-stream limit and must be refused.
// This file runs about 80 s (the one long test of the analytics suite).
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import { waitFor } from '@beamline/core/testing';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ControlPlaneClient } from '@beamline/media-edge';
import type { UsageReport } from '@beamline/protocol/edge';
import { publish, startEdgeTest, waitForStatus, type EdgeTest } from '@beamline/testkit';

const EDGE_SECRET = 'analytics-edge-secret-0123456789';
const WATCH_MS = 60_000;

let t: EdgeTest;
let hooks: Server;
const received: { type: string; data: any }[] = [];
const reports: UsageReport[] = [];

beforeAll(async () => {
  const original = ControlPlaneClient.prototype.usage;
  vi.spyOn(ControlPlaneClient.prototype, 'usage').mockImplementation(async function (this: ControlPlaneClient, r) {
    await original.call(this, r);
    reports.push(structuredClone(r)); // only reports the control plane acknowledged
  });
  t = await startEdgeTest({ EDGE_SECRET, USAGE_INTERVAL_MS: '1000', USAGE_FLUSH_MS: '500' });
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await new Promise((r) => hooks?.close(r));
});

interface ViewerResult {
  bytes: number;
  firstAt: number;
  lastAt: number;
  segments: number;
}

/** A player: the master playlist, then its first variant polled every second, each new segment fetched once. */
async function watch(masterUrl: string, ms: number): Promise<ViewerResult> {
  const out: ViewerResult = { bytes: 0, firstAt: Date.now(), lastAt: 0, segments: 0 };
  const get = async (url: string) => {
    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status === 200) {
      out.bytes += body.length;
      out.lastAt = Date.now();
    }
    return { status: res.status, body };
  };
  const master = await get(masterUrl);
  expect(master.status).toBe(200);
  const variant = master.body
    .toString()
    .split('\n')
    .find((l) => l && !l.startsWith('#'))!;
  const base = masterUrl.slice(0, masterUrl.lastIndexOf('/') + 1);
  const variantUrl = new URL(variant, base).toString();
  const seen = new Set<string>();
  const until = out.firstAt + ms;
  while (Date.now() < until) {
    const playlist = await get(variantUrl);
    if (playlist.status === 200) {
      for (const line of playlist.body.toString().split('\n')) {
        if (!line || line.startsWith('#') || seen.has(line)) continue;
        seen.add(line);
        if ((await get(new URL(line, variantUrl).toString())).status === 200) out.segments++;
      }
    }
    await new Promise((r) => setTimeout(r, Math.min(1_000, Math.max(0, until - Date.now()))));
  }
  return out;
}

const edgePost = (body: unknown) => {
  const raw = JSON.stringify(body);
  const signature = signEdgeRequest([EDGE_SECRET], { method: 'POST', path: '/internal/edge/usage', body: raw });
  return fetch(`${t.api}/internal/edge/usage`, {
    method: 'POST',
    headers: { [EDGE_SIGNATURE_HEADER]: signature, 'content-type': 'application/json' },
    body: raw,
  });
};

describe('analytics from a real stream', () => {
  it('shows 3 viewers, their watch minutes and bytes, a minute of ingest; retries change nothing; a second live stream of a Free app is refused', async () => {
    const hook = await t.call('POST', '/webhooks', {
      url: `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`,
      events: ['usage.quota.exceeded'],
    });
    expect(hook.status).toBe(201);
    expect((await t.call('GET', '/plan')).body.plan).toMatchObject({ name: 'free', limits: { concurrentStreams: 1 } });
    const stream = (await t.call('POST', '/streams', { name: 'Metered', playbackPolicy: 'signed' })).body;
    const second = (await t.call('POST', '/streams', { name: 'One too many' })).body;

    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 90, size: '320x180', fps: 15 });
    try {
      await waitForStatus(t, stream.id, 'live', 30_000);
      const urls = await Promise.all(
        ['alice', 'bob', 'carol'].map(async (viewerId) => {
          const res = await t.call('POST', `/streams/${stream.id}/playback-tokens`, { ttlSeconds: 600, viewerId });
          return res.body.url as string;
        }),
      );
      const watching = Promise.all(urls.map((u) => watch(u, WATCH_MS)));

      // meanwhile: the same Free app publishes a second stream, over its limit of one
      const refused = publish(`${second.rtmpUrl}/${second.streamKey}`, { seconds: 20 });
      const exit = await refused.exited;
      expect(exit.at - Date.now()).toBeLessThan(15_000);
      const shown = (await t.call('GET', `/streams/${second.id}`)).body;
      expect(shown.status).toBe('idle');
      expect(shown.publishRefusal).toMatchObject({ reason: 'over_quota' });
      expect(shown.publishRefusal.message).toMatch(/1 concurrent live stream/);
      await waitFor(() => received.find((e) => e.type === 'usage.quota.exceeded'), {
        timeoutMs: 15_000,
        what: 'the usage.quota.exceeded webhook',
      });
      expect(received.find((e) => e.type === 'usage.quota.exceeded')!.data).toEqual({
        meter: 'concurrent_streams',
        limit: 1,
        used: 1,
        level: 'exceeded',
      });

      const viewers = await watching;
      for (const v of viewers) expect(v.segments).toBeGreaterThan(20);
      const downloaded = viewers.reduce((n, v) => n + v.bytes, 0);
      const watchedMinutes = viewers.reduce((n, v) => n + (v.lastAt - v.firstAt), 0) / 60_000;
      await publisher.stop();
      await waitFor(async () => (await t.call('GET', `/streams/${stream.id}`)).body.status !== 'live', {
        timeoutMs: 30_000,
        what: 'the publisher to be gone',
      });
      // the viewers are done and the stream is over: one more report now and the edge has nothing left to send
      await t.platform.mediaEdge.reportUsage();

      const tl = (await t.call('GET', `/analytics/streams/${stream.id}/timeline?range=24h`)).body;
      const total = (field: string) => tl.points.reduce((n: number, p: Record<string, number>) => n + p[field]!, 0);
      const peak = Math.max(...tl.points.map((p: { viewers: number }) => p.viewers));
      const usage = (await t.call('GET', '/usage')).body;
      const meter = (name: string) => usage.meters.find((m: { meter: string }) => m.meter === name).value as number;
      console.info(
        `viewers downloaded ${downloaded} B over ${watchedMinutes.toFixed(3)} viewer-minutes; ` +
          `analytics: peak ${peak}, ${total('watchMinutes')} watch minutes, ${total('bytesServed')} B, ` +
          `${total('ingestMinutes')} ingest minutes; ${reports.length} edge reports`,
      );
      expect(peak).toBe(3);
      expect(total('watchMinutes')).toBeGreaterThanOrEqual(2.7);
      expect(total('watchMinutes')).toBeLessThanOrEqual(3.3);
      expect(Math.abs(total('watchMinutes') - watchedMinutes) / watchedMinutes).toBeLessThan(0.02);
      expect(Math.abs(total('bytesServed') - downloaded) / downloaded).toBeLessThan(0.01);
      expect(total('ingestMinutes')).toBeGreaterThanOrEqual(0.9);
      expect(total('ingestMinutes')).toBeLessThanOrEqual(1.1);
      expect(meter('viewer_minutes')).toBeCloseTo(total('watchMinutes'), 1);
      expect(Math.abs(meter('egress_gb') * 1e9 - downloaded) / downloaded).toBeLessThan(0.01);
      expect(meter('live_ingest_minutes')).toBeCloseTo(total('ingestMinutes'), 1);
      const overview = (await t.call('GET', '/analytics/overview?range=24h')).body;
      expect(overview).toMatchObject({ peakViewers: 3, bytesServed: total('bytesServed') });

      // every report again, twice: meters and analytics stay as they are
      expect(reports.length).toBeGreaterThan(50);
      for (let i = 0; i < 2; i++) for (const r of reports) expect((await edgePost(r)).status).toBe(200);
      // (api_calls is left out: these very calls count)
      const media = (meters: { meter: string }[]) => meters.filter((m) => m.meter !== 'api_calls');
      expect(media((await t.call('GET', '/usage')).body.meters)).toEqual(media(usage.meters));
      const after = (await t.call('GET', `/analytics/streams/${stream.id}/timeline?range=24h`)).body;
      expect(after.points).toEqual(tl.points);

      // another app sees none of it
      const other = await t.otherApp();
      expect((await other.call('GET', `/analytics/streams/${stream.id}/timeline`)).status).toBe(404);
      const theirs = (await other.call('GET', '/usage')).body;
      expect(theirs.meters.find((m: { meter: string }) => m.meter === 'viewer_minutes').value).toBe(0);
    } finally {
      await publisher.stop();
    }
  });
});
