// /metrics on every service, readiness that drains first, and the public status page with its incidents.
import { freePort, waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '@beamline/testkit';

let platform: TestPlatform;
let deadPort: number;

const text = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

beforeAll(async () => {
  deadPort = await freePort();
  platform = await startTestPlatform({
    STATUS_PROBE_INTERVAL_MS: '1000',
    // a component nobody serves: the status page must show it down and open an incident
    STATUS_COMPONENTS: `ghost=http://127.0.0.1:${deadPort}/readyz`,
  });
});
afterAll(async () => {
  await platform?.close();
});

describe('metrics', () => {
  it('serves Prometheus text on the control plane, with latency by route pattern and status', async () => {
    const api = platform.urls.api;
    await fetch(`${api}/v1/apps/app_doesnotexist/streams`); // 401: no credentials
    await fetch(`${api}/healthz`);
    const m = await text(`${api}/metrics`);
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain');
    expect(m.body).toMatch(
      /beamline_http_request_duration_seconds_count\{service="control-plane",method="GET",route="\/v1\/apps\/:appId\/streams",status="401"\} 1/,
    );
    expect(m.body).toMatch(/route="\/healthz",status="200"/);
    expect(m.body).not.toContain('app_doesnotexist'); // ids never become label values
    expect(m.body).toContain('nodejs_eventloop_lag_seconds');
    expect(m.body).toMatch(/beamline_webhook_queue_depth\{service="control-plane"\} 0/);
  });

  it('serves the realtime series: sockets connected and messages', async () => {
    const m = await text(`${platform.urls.realtime}/metrics`);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/beamline_realtime_sockets_connected\{service="realtime"\} 0/);
    expect(m.body).toContain('# TYPE beamline_realtime_messages_total counter');
    expect((await text(`${platform.urls.realtime}/readyz`)).status).toBe(200);
  });

  it('serves the edge series: live streams, ffmpeg processes, HLS bytes and request latency', async () => {
    const hls = platform.urls.hls!;
    expect((await text(`${hls}/hls/nosuchplayback/master.m3u8`)).status).toBe(404);
    const m = await text(`${hls}/metrics`);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/beamline_live_streams\{service="media-edge"\} 0/);
    expect(m.body).toMatch(/beamline_ffmpeg_processes\{service="media-edge"\} 0/);
    expect(m.body).toContain('# TYPE beamline_hls_bytes_served_total counter');
    expect(m.body).toContain('# TYPE beamline_ffmpeg_speed_ratio histogram');
    expect(m.body).toMatch(/route="\/hls\/:id\/master.m3u8",status="404"/);
    expect(m.body).not.toContain('nosuchplayback');
  });
});

describe('status page', () => {
  it('shows each component and opens an incident for one that is down', async () => {
    const json = await waitFor(
      async () => {
        const r = (await (await fetch(`${platform.urls.api}/status.json`)).json()) as any;
        return r.incidents.some((i: any) => i.component === 'ghost') ? r : null;
      },
      { timeoutMs: 10_000, what: 'an incident for the dead component' },
    );
    expect(json.status).toBe('degraded');
    const byName = Object.fromEntries(json.components.map((c: any) => [c.name, c.status]));
    expect(byName['control-plane']).toBe('up');
    expect(byName.store).toBe('up');
    expect(byName.ghost).toBe('down');
    const page = await text(`${platform.urls.api}/status`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(page.body).toContain('ghost');
    expect(page.body).toContain('ongoing');
  });
});

describe('readiness', () => {
  it('goes false on drain while the service still answers', async () => {
    expect((await fetch(`${platform.urls.api}/readyz`)).status).toBe(200);
    platform.controlPlane.drain();
    platform.realtime.drain();
    platform.mediaEdge.drain();
    expect((await fetch(`${platform.urls.api}/readyz`)).status).toBe(503);
    expect((await fetch(`${platform.urls.api}/healthz`)).status).toBe(200);
    expect((await fetch(`${platform.urls.realtime}/readyz`)).status).toBe(503);
    expect((await fetch(`${platform.urls.hls}/readyz`)).status).toBe(503);
    expect((await fetch(`${platform.urls.hls}/healthz`)).status).toBe(200);
  });
});
