// Viewer counting that one client cannot inflate: on a public stream a viewer is an id the edge issued with the
// master playlist (signed, bound to the stream and the address; new ids limited per address), or else its address —
// never a header the client picks. Segment URLs stay free of per-viewer queries; bytes still count per stream.
// The HLS edge limits requests per address, and look-ups of unknown playback ids harder, with 429 and Retry-After.
import { waitFor } from '@beamline/core/testing';
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ControlPlaneClient, type UsageReport } from '../../src/control-plane';
import { firstUri, oneRungProfile, publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

/** HTTP from a chosen loopback source address (127.0.0.x), as distinct clients. */
function client(localAddress: string) {
  const agent = new HttpAgent({ keepAlive: true });
  const get = (url: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: Buffer; text: string; header(name: string): string | undefined }>(
      (resolve, reject) => {
        const req = httpGet(url, { agent, localAddress, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('error', reject);
          res.once('end', () => {
            const body = Buffer.concat(chunks);
            const header = (name: string) => {
              const v = res.headers[name];
              return Array.isArray(v) ? v[0] : v;
            };
            resolve({ status: res.statusCode ?? 0, body, text: body.toString('utf8'), header });
          });
        });
        req.once('error', reject);
      },
    );
  return { get, close: async () => agent.destroy() };
}

const reports: UsageReport[] = [];

describe('viewers of a public stream', () => {
  let t: EdgeTest;
  beforeAll(async () => {
    const original = ControlPlaneClient.prototype.usage;
    vi.spyOn(ControlPlaneClient.prototype, 'usage').mockImplementation(async function (
      this: ControlPlaneClient,
      r: UsageReport,
    ) {
      await original.call(this, r);
      reports.push(structuredClone(r));
    });
    t = await startEdgeTest({ USAGE_INTERVAL_MS: '500', HLS_NEW_VIEWERS_PER_IP_PER_HOUR: '5' });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it('counts edge-issued viewer ids and addresses, not user agents; bytes still count', async () => {
    const profile = await oneRungProfile(t.call);
    const stream = (await t.call('POST', '/streams', { name: 'Public', profileId: profile.id })).body;
    const base = stream.hlsUrl.replace(/master\.m3u8$/, '');
    const one = client('127.0.0.1');
    const two = client('127.0.0.2');
    let downloaded = 0;
    const counted = <T extends { status: number; body: Buffer }>(res: T) => {
      if (res.status === 200) downloaded += res.body.length;
      return res;
    };
    /** Viewers of the first report made after `since` (the edge drains its meter into each report). */
    const viewersAfter = async (since: number) =>
      waitFor(
        () => {
          const r = reports.find((x) => x.to > since && x.streams.some((s) => s.streamId === stream.id));
          return r?.streams.find((s) => s.streamId === stream.id)?.viewers;
        },
        { timeoutMs: 10_000, what: 'a usage report of the stream' },
      );
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 30 });
    try {
      await waitForStatus(t, stream.id, 'live');
      // 300 requests, 300 user agents, one address: one viewer
      for (let i = 0; i < 300; i++) {
        const res = counted(await one.get(`${base}144p/index.m3u8`, { 'user-agent': `agent-${i}` }));
        expect(res.status).toBe(200);
      }
      expect(await viewersAfter(Date.now())).toBe(1);

      // the master hands out viewer ids, five per address and hour here; its segments stay shared
      const vids: (string | null)[] = [];
      for (let i = 0; i < 8; i++) {
        const master = counted(await one.get(stream.hlsUrl, { 'user-agent': `agent-${i}` }));
        expect(master.status).toBe(200);
        const uri = firstUri(master.text);
        const vid = /[?&]vid=([^&]+)/.exec(uri)?.[1] ?? null;
        expect(master.header('cache-control')).toBe(vid ? 'private, no-cache' : 'no-cache');
        vids.push(vid);
      }
      const issued = vids.filter((v): v is string => v !== null);
      expect(issued).toHaveLength(5);
      expect(new Set(issued).size).toBe(5);
      for (const vid of issued) {
        const variant = counted(await one.get(`${base}144p/index.m3u8?vid=${vid}`));
        expect(variant.status).toBe(200);
        const segment = firstUri(variant.text);
        expect(segment).toMatch(/^seg_\d+\.ts$/); // no per-viewer query: one URL for every viewer
        const seg = counted(await one.get(`${base}144p/${segment}`));
        expect(seg.header('cache-control')).toBe('public, max-age=31536000, immutable');
      }
      // a made-up id, and a real id used from another address, count as their address
      counted(await one.get(`${base}144p/index.m3u8?vid=${'A'.repeat(12)}.${'B'.repeat(22)}`));
      counted(await two.get(`${base}144p/index.m3u8?vid=${issued[0]}`));
      // five ids, 127.0.0.1 and 127.0.0.2
      expect(await viewersAfter(Date.now())).toBe(7);

      // every byte of playlists and segments sent is in the reports
      await waitFor(
        () => {
          const sum = reports
            .flatMap((r) => r.streams.filter((s) => s.streamId === stream.id))
            .reduce((n, s) => n + s.bytes, 0);
          return sum === downloaded;
        },
        { timeoutMs: 10_000, what: 'the reported bytes to match what was downloaded' },
      );
    } finally {
      await publisher.stop();
      await one.close();
      await two.close();
    }
  });
});

describe('per-address limits of the HLS edge', () => {
  let t: EdgeTest;
  beforeAll(async () => {
    t = await startEdgeTest({
      HLS_REQUESTS_PER_IP_PER_MINUTE: '40',
      HLS_UNKNOWN_PLAYBACK_PER_IP_PER_MINUTE: '5',
      HLS_TRUST_PROXY: '127.0.0.7', // a proxy in front of the edge
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it('limits look-ups of unknown playback ids per address, and remembers an unknown id for a while', async () => {
    const lookups = vi.spyOn(ControlPlaneClient.prototype, 'playback');
    const prober = client('127.0.0.3');
    const other = client('127.0.0.4');
    try {
      for (let i = 0; i < 5; i++) {
        const res = await prober.get(`${t.hls}/hls/unknownId${i}/master.m3u8`);
        expect(JSON.parse(res.text).error.code).toBe('playback_not_found');
      }
      expect(lookups).toHaveBeenCalledTimes(5);
      const refused = await prober.get(`${t.hls}/hls/unknownId5/master.m3u8`);
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.text).error.code).toBe('rate_limited');
      expect(Number(refused.header('retry-after'))).toBeGreaterThan(0);
      expect(lookups).toHaveBeenCalledTimes(5);
      // the same unknown id, again and again from another address: one look-up
      for (let i = 0; i < 10; i++) {
        expect((await other.get(`${t.hls}/hls/repeatedUnknownId/master.m3u8`)).status).toBe(404);
      }
      expect(lookups).toHaveBeenCalledTimes(6);
    } finally {
      lookups.mockRestore();
      await prober.close();
      await other.close();
    }
  });

  it('answers 429 with Retry-After past the requests of an address, and only to that address (behind a proxy, the client)', async () => {
    const stream = (await t.call('POST', '/streams', { name: 'Idle' })).body;
    const busy = client('127.0.0.5');
    const calm = client('127.0.0.6');
    const proxy = client('127.0.0.7');
    try {
      for (let i = 0; i < 40; i++) expect((await busy.get(stream.hlsUrl)).status).toBe(404); // not live
      const refused = await busy.get(stream.hlsUrl);
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.text).error.code).toBe('rate_limited');
      expect(Number(refused.header('retry-after'))).toBeGreaterThan(0);
      expect((await calm.get(stream.hlsUrl)).status).toBe(404);
      // a client's own X-Forwarded-For changes nothing; the trusted proxy's names the client
      const forged = await busy.get(stream.hlsUrl, { 'x-forwarded-for': '203.0.113.1' });
      expect(forged.status).toBe(429);
      for (let i = 0; i < 40; i++)
        expect((await proxy.get(stream.hlsUrl, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(404);
      expect((await proxy.get(stream.hlsUrl, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
      expect((await proxy.get(stream.hlsUrl, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(404);
    } finally {
      await busy.close();
      await calm.close();
      await proxy.close();
    }
  });
});
