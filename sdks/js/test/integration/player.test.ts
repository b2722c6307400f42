// The player helper in Chromium against the real platform: offline until the encoder starts, then a signed live
// stream plays (currentTime advances) and a short-lived playback token is refreshed without playback stopping.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { launchChromium, publish, type Publisher, startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { Platform } from '../../src/index';
import { createTestApp } from './helpers';

let platform: TestPlatform;
let browser: Browser | undefined;
let page: Server;
let publisher: Publisher | undefined;

const TOKEN_TTL = 6;

beforeAll(async () => {
  platform = await startTestPlatform({ STATS_INTERVAL_MS: '500', MIN_FREE_DISK_MB: '0' });
  const bundle = await build({
    stdin: {
      contents: `import { attachPlayer } from './src/player/index.ts'; window.attachPlayer = attachPlayer;`,
      resolveDir: join(import.meta.dirname, '../..'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  page = createServer((req, res) => {
    if (req.url === '/player.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><video id="v" muted playsinline></video><script src="/player.js"></script>');
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await browser?.close();
  await publisher?.stop();
  page?.close();
  await platform?.close();
});

it('plays a signed live stream and refreshes its expiring token without stopping', async () => {
  const app = await createTestApp(platform.urls.api);
  const sdk = new Platform({ apiKey: app.apiKey, apiSecret: app.apiSecret, baseUrl: platform.urls.api });
  const profile = await sdk.transcodingProfiles.create({
    name: 'Test rung',
    renditions: [{ height: 144, videoBitrateKbps: 150 }],
    passthrough: false,
    segmentSeconds: 1,
    preset: 'ultrafast',
  });
  const stream = await sdk.streams.create({ name: 'Player', playbackPolicy: 'signed', profileId: profile.id });

  browser = await launchChromium();
  const tab = await browser.newPage();
  let minted = 0;
  await tab.exposeFunction('mintToken', () => {
    minted++;
    return sdk.createPlaybackToken(stream.playbackId, { ttl: TOKEN_TTL });
  });
  const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  await tab.goto(pageUrl);
  const hls = `http://127.0.0.1:${platform.env.HLS_PORT}`;
  await tab.evaluate(
    ({ playbackId, baseUrl }) => {
      const w = window as unknown as Record<string, unknown> & {
        attachPlayer: typeof import('../../src/player/index').attachPlayer;
        mintToken: () => Promise<string>;
      };
      const log = { tokens: 0, fatal: [] as string[], statuses: [] as string[], levels: 0 };
      w.log = log;
      const player = w.attachPlayer(document.getElementById('v') as HTMLVideoElement, {
        playbackId,
        baseUrl,
        tokenProvider: () => w.mintToken(),
        offlineRetryMs: 1000,
      });
      player.on('token', () => log.tokens++);
      player.on('status', (s) => log.statuses.push(s));
      player.on('levels', (l) => (log.levels = l.length));
      player.on('error', (e) => e.fatal && log.fatal.push(e.code));
    },
    { playbackId: stream.playbackId, baseUrl: hls },
  );
  const state = () =>
    tab.evaluate(() => {
      const v = document.getElementById('v') as HTMLVideoElement;
      const log = (
        window as unknown as { log: { tokens: number; fatal: string[]; statuses: string[]; levels: number } }
      ).log;
      return { time: v.currentTime, paused: v.paused, ...log };
    });

  // Attached before the encoder starts: the player says offline, then picks the stream up by itself.
  await waitFor(async () => (await state()).statuses.includes('offline'), { what: 'the offline status' });
  publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 60, size: '320x180', fps: 15 });
  await waitFor(async () => (await state()).time > 1, { timeoutMs: 40_000, what: 'playback to start' });
  const started = await state();
  expect(started.levels).toBeGreaterThan(0);
  expect(started.statuses).toContain('live');

  // Play past the first tokens' lifetime: each is refreshed before it expires and playback goes on.
  await waitFor(async () => (await state()).tokens >= 3, { timeoutMs: 4 * TOKEN_TTL * 1000, what: 'token refreshes' });
  const before = await state();
  await waitFor(async () => (await state()).time > before.time + 2, { timeoutMs: 15_000, what: 'playback to go on' });
  const after = await state();
  expect(after.time - started.time).toBeGreaterThan(TOKEN_TTL);
  expect(after.paused).toBe(false);
  expect(after.fatal).toEqual([]);
  expect(minted).toBeGreaterThanOrEqual(3);
});
