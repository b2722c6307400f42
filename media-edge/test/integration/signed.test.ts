// Signed playback: master, variant and segment each need a valid token for this stream; tenants stay apart.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ffprobe,
  firstUri,
  oneRungProfile,
  publish,
  startEdgeTest,
  text,
  waitForStatus,
  type EdgeTest,
} from '../support';

let t: EdgeTest;
beforeAll(async () => {
  t = await startEdgeTest();
});
afterAll(() => t?.close());

describe('signed playback', () => {
  it('answers 403 to no, expired, forged and other-stream tokens on master, variant and segment; a valid token plays', async () => {
    const profile = await oneRungProfile(t.call);
    const stream = (
      await t.call('POST', '/streams', { name: 'Signed', playbackPolicy: 'signed', profileId: profile.id })
    ).body;
    const other = (await t.call('POST', '/streams', { name: 'Other', playbackPolicy: 'signed' })).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 10 });
    try {
      await waitForStatus(t, stream.id, 'live');
      const minted = await t.call('POST', `/streams/${stream.id}/playback-tokens`, { ttlSeconds: 120, viewerId: 'v1' });
      expect(minted.status).toBe(201);
      const token: string = minted.body.token;
      expect(minted.body.url).toBe(`${stream.hlsUrl}?token=${encodeURIComponent(token)}`);
      const claims = jwt.verify(token, t.apiKey.secret) as jwt.JwtPayload;
      expect(claims).toMatchObject({ sub: stream.playbackId, kid: t.apiKey.key, aud: 'playback', viewerId: 'v1' });

      // a valid token opens all three, and the edge carries it into the URIs it writes
      const master = await text(minted.body.url);
      expect(master.status).toBe(200);
      const variantUri = firstUri(master.body);
      expect(variantUri).toBe(`144p/index.m3u8?token=${encodeURIComponent(token)}`);
      const base = stream.hlsUrl.replace(/master\.m3u8$/, '');
      const variant = await text(`${base}${variantUri}`);
      expect(variant.status).toBe(200);
      const segmentUri = firstUri(variant.body);
      expect(segmentUri).toMatch(/^seg_\d+\.ts\?token=/);
      const segment = await fetch(`${base}144p/${segmentUri}`);
      expect(segment.status).toBe(200);
      expect(segment.headers.get('cache-control')).toMatch(/^private/);
      const probed = await ffprobe(minted.body.url);
      expect(probed.streams.some((s) => s.codec_type === 'video' && s.height === 144)).toBe(true);

      const urls = {
        master: stream.hlsUrl,
        variant: `${base}144p/index.m3u8`,
        segment: `${base}144p/${segmentUri.split('?')[0]}`,
      };
      const now = Math.floor(Date.now() / 1000);
      const sign = (claimsOf: object, secret = t.apiKey.secret) => jwt.sign(claimsOf, secret, { algorithm: 'HS256' });
      const otherToken = (await t.call('POST', `/streams/${other.id}/playback-tokens`, { ttlSeconds: 120 })).body.token;
      const cases: [string, string | null, string][] = [
        ['none', null, 'token_required'],
        [
          'expired',
          sign({ sub: stream.playbackId, kid: t.apiKey.key, aud: 'playback', exp: now - 5 }),
          'token_expired',
        ],
        [
          'forged',
          sign({ sub: stream.playbackId, kid: t.apiKey.key, aud: 'playback', exp: now + 60 }, 'not-the-secret'),
          'token_invalid',
        ],
        ['other stream', otherToken, 'token_wrong_stream'],
        ['garbage', 'not-a-jwt', 'token_invalid'],
      ];
      for (const [label, bad, code] of cases) {
        for (const [what, url] of Object.entries(urls)) {
          const res = await fetch(bad ? `${url}?token=${encodeURIComponent(bad)}` : url);
          expect(res.status, `${label} token on ${what}`).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
        }
      }

      // the SDK can mint the same token locally with the API secret
      const local = sign({ sub: stream.playbackId, kid: t.apiKey.key, aud: 'playback', exp: now + 60 });
      for (const url of Object.values(urls)) expect((await fetch(`${url}?token=${local}`)).status).toBe(200);

      // another app's key secret never opens this app's stream, and its API cannot see it
      const stranger = await t.otherApp();
      expect((await stranger.call('GET', `/streams/${stream.id}`)).status).toBe(404);
      expect((await stranger.call('POST', `/streams/${stream.id}/reset-key`)).status).toBe(404);
      expect((await stranger.call('GET', '/streams')).body.data).toEqual([]);
      const strangerKeys = (await t.otherApp()).call;
      expect((await strangerKeys('GET', `/recordings`)).body.data).toEqual([]);
    } finally {
      await publisher.stop();
    }
  });
});
