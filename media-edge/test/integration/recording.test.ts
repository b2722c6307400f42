// Publisher leaves: the stream goes offline, the recording is a VOD playlist as long as what was published, with a thumbnail.
import { existsSync } from 'node:fs';
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobe, firstUri, publish, startEdgeTest, text, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
beforeAll(async () => {
  t = await startEdgeTest();
});
afterAll(() => t?.close());

describe('recording', () => {
  it('turns a finished live session into a VOD recording with a thumbnail, and deletes it with its files', async () => {
    const SEGMENT = 1;
    const PUBLISHED = 6;
    const profile = (
      await t.call('POST', '/transcoding-profiles', {
        name: 'One rung',
        renditions: [{ height: 144, videoBitrateKbps: 150 }],
        passthrough: false,
        segmentSeconds: SEGMENT,
        preset: 'ultrafast',
      })
    ).body;
    const stream = (
      await t.call('POST', '/streams', {
        name: 'Recorded',
        record: true,
        reconnectWindowSeconds: 0,
        profileId: profile.id,
      })
    ).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: PUBLISHED });
    await waitForStatus(t, stream.id, 'live');
    // The recording is registered with the session's start, which can land just after the live status.
    await waitFor(
      async () => (await t.call('GET', `/recordings?streamId=${stream.id}`)).body.data[0]?.status === 'recording',
      { timeoutMs: 10_000, what: 'a recording in progress while live' },
    );
    expect((await publisher.exited).code).toBe(0);

    await waitForStatus(t, stream.id, 'idle');
    const rec = await waitFor(async () => {
      const list = await t.call('GET', `/recordings?streamId=${stream.id}`);
      return list.body.data[0]?.status === 'ready' ? list.body.data[0] : null;
    });
    expect(rec.id).toMatch(/^rec_/);
    expect(Math.abs(rec.durationSeconds - PUBLISHED)).toBeLessThanOrEqual(SEGMENT);
    expect(rec.sizeBytes).toBeGreaterThan(0);
    expect(rec.renditions).toEqual([expect.objectContaining({ name: '144p', height: 144 })]);

    const master = await text(rec.hlsUrl);
    expect(master.status).toBe(200);
    const variant = await text(rec.hlsUrl.replace(/master\.m3u8$/, firstUri(master.body)));
    expect(variant.body).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(variant.body).toContain('#EXT-X-ENDLIST');
    const listed = [...variant.body.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(Math.abs(listed - PUBLISHED)).toBeLessThanOrEqual(SEGMENT);
    const probed = await ffprobe(rec.hlsUrl);
    expect(Math.abs(Number(probed.format?.duration) - PUBLISHED)).toBeLessThanOrEqual(SEGMENT);

    const thumb = await fetch(rec.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await thumb.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);

    // the live files moved into the recording; the live URL is gone
    expect((await fetch(stream.hlsUrl)).status).toBe(404);
    const dir = `${t.mediaDir}/recordings/${rec.id}`;
    expect(existsSync(dir)).toBe(true);
    expect((await t.call('DELETE', `/recordings/${rec.id}`)).status).toBe(200);
    expect(existsSync(dir)).toBe(false);
    expect((await fetch(rec.hlsUrl)).status).toBe(404);
    expect((await t.call('GET', `/recordings/${rec.id}`)).status).toBe(404);
  });
});
