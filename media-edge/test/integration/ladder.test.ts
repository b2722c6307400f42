// A publish with a valid key: every rendition of the profile in the master playlist, each decodable at its size.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { ffprobe, firstUri, publish, startEdgeTest, text, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
beforeAll(async () => {
  t = await startEdgeTest({ LIVE_FILES_GRACE_SECONDS: '1' });
});
afterAll(() => t?.close());

describe('ABR ladder', () => {
  it('publishes the source and every rendition of the profile, at the right resolutions', async () => {
    const profile = await t.call('POST', '/transcoding-profiles', {
      name: 'Small test ladder',
      renditions: [
        { height: 240, videoBitrateKbps: 400, fps: 30 },
        { height: 144, videoBitrateKbps: 150, fps: 15, audioBitrateKbps: 64 },
      ],
      passthrough: true,
      segmentSeconds: 1,
      preset: 'ultrafast',
    });
    expect(profile.status).toBe(201);
    const created = await t.call('POST', '/streams', {
      name: 'Ladder',
      profileId: profile.body.id,
      reconnectWindowSeconds: 0,
    });
    expect(created.status).toBe(201);
    const stream = created.body;
    expect(stream.id).toMatch(/^str_/);
    expect(stream.streamKey).not.toContain(stream.id);
    expect(stream.status).toBe('idle');

    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 8 });
    try {
      const live = await waitForStatus(t, stream.id, 'live');
      expect(live.ingest).not.toBeNull();
      const master = await text(stream.hlsUrl);
      expect(master.status).toBe(200);
      expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(master.headers.get('access-control-allow-origin')).toBe('*');
      // this viewer's own master: it carries the viewer id the edge issued
      expect(master.headers.get('cache-control')).toBe('private, no-cache');
      const entries = master.body
        .split('\n')
        .map((line, i, all) => (line.startsWith('#EXT-X-STREAM-INF:') ? { inf: line, uri: all[i + 1]! } : null))
        .filter((e): e is { inf: string; uri: string } => e !== null);
      expect(entries.map((e) => e.uri.split('?')[0])).toEqual([
        'source/index.m3u8',
        '240p/index.m3u8',
        '144p/index.m3u8',
      ]);
      const vids = new Set(entries.map((e) => /\?vid=([\w-]+\.[\w-]+)$/.exec(e.uri)?.[1]));
      expect(vids.size).toBe(1);
      expect([...vids][0]).toBeTruthy();
      for (const e of entries) {
        expect(e.inf).toMatch(/BANDWIDTH=\d+/);
        expect(e.inf).toMatch(/RESOLUTION=\d+x\d+/);
        expect(e.inf).toMatch(/CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
      }
      const expected: Record<string, [number, number]> = {
        source: [640, 360],
        '240p': [426, 240],
        '144p': [256, 144],
      };
      const base = stream.hlsUrl.replace(/master\.m3u8$/, '');
      for (const e of entries) {
        const name = e.uri.split('/')[0]!;
        expect(e.inf).toContain(`RESOLUTION=${expected[name]![0]}x${expected[name]![1]}`);
        const variant = await text(`${base}${e.uri}`);
        expect(variant.status).toBe(200);
        const segmentUrl = `${base}${name}/${firstUri(variant.body)}`;
        const seg = await fetch(segmentUrl);
        expect(seg.status).toBe(200);
        expect(seg.headers.get('content-type')).toBe('video/mp2t');
        expect(seg.headers.get('cache-control')).toContain('immutable');
        const probed = await ffprobe(segmentUrl);
        const video = probed.streams.find((s) => s.codec_type === 'video')!;
        expect(video.codec_name).toBe('h264');
        expect([video.width, video.height]).toEqual(expected[name]);
        expect(probed.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
        const ranged = await fetch(segmentUrl, { headers: { range: 'bytes=0-187' } });
        expect(ranged.status).toBe(206);
        expect((await ranged.arrayBuffer()).byteLength).toBe(188);
      }
      const thumb = await waitFor(async () => {
        const res = await fetch(stream.thumbnailUrl);
        return res.status === 200 ? res : null;
      });
      expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    } finally {
      await publisher.stop();
    }
    // the publisher left; with no reconnect window the stream goes offline at once
    await waitForStatus(t, stream.id, 'idle');
    const other = await waitFor(async () => {
      const res = await t.call('GET', '/streams?status=idle');
      return res.body.data.some((s: { id: string }) => s.id === stream.id) ? res.body : null;
    });
    expect(other.data.length).toBeGreaterThan(0);
    // an unrecorded session's files are removed once the grace period is over
    await waitFor(() => !existsSync(`${t.mediaDir}/live/${stream.playbackId}`), { timeoutMs: 10_000, what: 'cleanup' });
    expect((await fetch(stream.hlsUrl)).status).toBe(404);
  });
});
