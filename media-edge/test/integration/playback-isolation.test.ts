// Playback tokens are bound to the app whose key signed them: app A cannot sign its way into app B's signed
// stream (live playlists, segments, thumbnail, recording), not even after showing the token on one of its own
// streams first so the edge has verified it once; and a token for one stream opens no other.
import { waitFor } from '@beamline/core/testing';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstUri, oneRungProfile, publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
beforeAll(async () => {
  t = await startEdgeTest();
});
afterAll(() => t?.close());

const withToken = (url: string, token: string) => `${url}?token=${encodeURIComponent(token)}`;

async function status(url: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(url);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) return { status: res.status, code: ((await res.json()) as any).error?.code };
  await res.arrayBuffer();
  return { status: res.status };
}

/** The playlists, a segment and the thumbnail of an HLS root (a live stream's or a recording's). */
async function filesOf(masterUrl: string, token: string): Promise<Record<string, string>> {
  const base = masterUrl.replace(/master\.m3u8$/, '');
  const master = await (await fetch(withToken(masterUrl, token))).text();
  const variantPath = firstUri(master).split('?')[0]!;
  const variant = await (await fetch(withToken(`${base}${variantPath}`, token))).text();
  const segmentPath = firstUri(variant).split('?')[0]!;
  return {
    master: masterUrl,
    variant: `${base}${variantPath}`,
    segment: `${base}${variantPath.replace(/index\.m3u8$/, '')}${segmentPath}`,
    thumbnail: `${base}thumbnail.jpg`,
  };
}

describe('playback tokens across tenants', () => {
  it("refuses app A's token for app B's stream on every file, live and recorded, however the edge saw it first", async () => {
    const b = await t.otherApp();
    const profile = await oneRungProfile(b.call);
    const victim = (
      await b.call('POST', '/streams', {
        name: 'Private',
        playbackPolicy: 'signed',
        record: true,
        reconnectWindowSeconds: 0,
        profileId: profile.id,
      })
    ).body;
    const own = (await t.call('POST', '/streams', { name: 'Decoy', playbackPolicy: 'signed' })).body;
    const ownOther = (await t.call('POST', '/streams', { name: 'Sibling', playbackPolicy: 'signed' })).body;

    const now = Math.floor(Date.now() / 1000);
    // A signs, with its own key, a token for B's playback id
    const forged = jwt.sign(
      { sub: victim.playbackId, kid: t.apiKey.key, aud: 'playback', exp: now + 600 },
      t.apiKey.secret,
      {
        algorithm: 'HS256',
      },
    );
    const ownToken: string = (await t.call('POST', `/streams/${own.id}/playback-tokens`, { ttlSeconds: 600 })).body
      .token;
    const victimToken: string = (await b.call('POST', `/streams/${victim.id}/playback-tokens`, { ttlSeconds: 600 }))
      .body.token;
    const prime = async () => {
      // shown on A's own signed stream: refused there, as a token for another stream
      expect(await status(withToken(own.hlsUrl, forged))).toEqual({ status: 403, code: 'token_wrong_stream' });
    };

    const publisher = publish(`${victim.rtmpUrl}/${victim.streamKey}`, { seconds: 8 });
    try {
      await waitForStatus(b, victim.id, 'live');
      const live = await filesOf(victim.hlsUrl, victimToken);
      // B's own viewer plays every file (the thumbnail is written a moment after going live)
      await waitFor(async () => (await status(withToken(live.thumbnail!, victimToken))).status === 200, {
        timeoutMs: 15_000,
        what: 'the live thumbnail',
      });
      for (const url of Object.values(live)) expect((await status(withToken(url, victimToken))).status).toBe(200);

      for (const [what, url] of Object.entries(live)) {
        await prime();
        expect(await status(withToken(url, forged)), `forged token on B's live ${what}`).toEqual({
          status: 403,
          code: 'token_invalid',
        });
        // A's genuine token for its own stream opens neither B's stream nor A's other stream
        expect((await status(withToken(url, ownToken))).status, `A's token on B's live ${what}`).toBe(403);
      }
      expect(await status(withToken(ownOther.hlsUrl, ownToken))).toEqual({ status: 403, code: 'token_wrong_stream' });
    } finally {
      await publisher.stop();
    }

    await waitForStatus(b, victim.id, 'idle');
    const rec = await waitFor(async () => {
      const list = await b.call('GET', `/recordings?streamId=${victim.id}`);
      return list.body.data[0]?.status === 'ready' ? list.body.data[0] : null;
    });
    const recorded = await filesOf(rec.hlsUrl, victimToken);
    for (const url of Object.values(recorded)) expect((await status(withToken(url, victimToken))).status).toBe(200);
    for (const [what, url] of Object.entries(recorded)) {
      await prime();
      expect(await status(withToken(url, forged)), `forged token on B's recording ${what}`).toEqual({
        status: 403,
        code: 'token_invalid',
      });
      expect((await status(withToken(url, ownToken))).status, `A's token on B's recording ${what}`).toBe(403);
    }
  });
});
