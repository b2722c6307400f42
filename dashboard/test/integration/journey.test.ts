// The acceptance journey in Debian's Chromium against the real all-in-one platform: a new developer registers,
// creates an app, a stream and a webhook by clicking; ffmpeg goes live with the copied key; the stream page turns
// live without a reload; the player page plays it; chat crosses browser contexts and a moderator's delete
// reaches everyone.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { verifyWebhookSignature } from '@beamline/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDashboardBuilt,
  launchChromium,
  publish,
  screenshot,
  startTestPlatform,
  type TestPlatform,
  watchConsole,
} from '@beamline/testkit';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let platform: TestPlatform;
let browser: Browser;
let dev: BrowserContext;
let page: Page;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const consoleErrors: string[] = [];
const account = { email: `ada-${Date.now()}@example.com`, password: 'correct horse battery staple' };
const state: { rtmpUrl?: string; streamKey?: string; playbackId?: string; streamPath?: string; appId?: string } = {};

beforeAll(async () => {
  ensureDashboardBuilt();
  platform = await startTestPlatform();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const addr = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hooks`;
  browser = await launchChromium();
  dev = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await dev.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.urls.dashboard });
  page = await dev.newPage();
  page.setDefaultTimeout(15_000);
  watchConsole(page, consoleErrors);
});

afterAll(async () => {
  if (consoleErrors.length) console.log('browser console errors:\n' + consoleErrors.join('\n'));
  await browser?.close();
  await new Promise((r) => receiver?.close(r));
  await platform?.close();
});

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

describe('a new developer, by clicking', () => {
  it('registers, creates an app, a stream (copying its RTMP URL and key), a webhook, and sends a test', async () => {
    const base = platform.urls.dashboard;
    await page.goto(`${base}/apps`);
    // A protected page sends a visitor to log in; from there to sign up.
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The API's own message is shown, not a generic one.
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least 10 characters');
    await screenshot(page, '01-register-error');
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/apps');
    await page.getByRole('heading', { name: 'No apps yet' }).waitFor();
    await screenshot(page, '02-apps-empty');

    await page.getByRole('button', { name: 'Create your first app' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Launch Party');
    await dialog.getByRole('button', { name: 'Create app' }).click();
    await page.getByText('Copy the secret now.').waitFor();
    expect(await page.getByTestId('secret-value').inputValue()).toMatch(/\S{20,}/);
    await screenshot(page, '03-app-created');
    await page.getByRole('button', { name: 'Open app' }).click();
    await page.waitForURL(/\/apps\/app_[^/]+$/);
    state.appId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Quick actions' }).waitFor();
    await screenshot(page, '04-app-overview');

    // A light ladder keeps the 2-core test machine ahead of real time (created over the API: not a clicking step).
    const login = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const profile = await fetch(`${base}/v1/apps/${state.appId}/transcoding-profiles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Test ladder',
        renditions: [{ height: 240, videoBitrateKbps: 400, fps: 30 }],
        passthrough: true,
        segmentSeconds: 1,
        preset: 'ultrafast',
      }),
    });
    expect(profile.status).toBe(201);

    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Streams' }).click();
    await page.getByRole('button', { name: 'Create your first stream' }).click();
    await dialog.getByLabel('Name').fill('Friday launch');
    await dialog.getByLabel('Transcoding profile').selectOption({ label: 'Test ladder (240p)' });
    await dialog.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/streams\/str_/);
    state.streamPath = new URL(page.url()).pathname;
    await expect.poll(() => page.getByTestId('stream-status').textContent()).toBe('idle');

    await page.getByRole('button', { name: 'Copy rtmp server url' }).click();
    state.rtmpUrl = await clipboard();
    expect(state.rtmpUrl).toBe(platform.urls.rtmp);
    // The key is hidden until revealed, and copies without being shown.
    expect(await page.getByTestId('stream-key').inputValue()).toMatch(/^•+$/);
    await page.getByRole('button', { name: 'Copy stream key' }).click();
    state.streamKey = await clipboard();
    expect(state.streamKey).toMatch(/^lsk_/);
    await page.getByRole('button', { name: 'Reveal' }).click();
    expect(await page.getByTestId('stream-key').inputValue()).toBe(state.streamKey);
    state.playbackId = new URL(await page.getByTestId('hls-url').inputValue()).pathname.split('/')[2];
    await page.getByRole('button', { name: 'Hide' }).click();
    await screenshot(page, '05-stream-detail');

    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Add your first endpoint' }).click();
    await dialog.getByLabel('Endpoint URL').fill(receiverUrl);
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Copy the secret now.').waitFor();
    const secret = await page.getByTestId('secret-value').inputValue();
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByTestId('webhook-test-result');
    await expect.poll(() => result.textContent()).toMatch(/Test delivered: HTTP 200 in \d+ ms/);
    expect(await result.textContent()).toContain('thanks');
    // The receiver got a signed webhook.test event, verifiable with the secret the page showed once.
    const test = received.find((r) => r.body.includes('"webhook.test"'));
    expect(test).toBeDefined();
    expect(verifyWebhookSignature(secret, String(test!.headers['webhook-signature']), test!.body)).toBe(true);
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByText('webhook.test').first().waitFor();
    await screenshot(page, '06-webhooks');
  });
});

describe('going live', () => {
  it('turns live on the stream page without a reload, plays on the player page, and carries chat both ways', async () => {
    expect(state.streamKey, 'the first test copied the key').toBeTruthy();
    const base = platform.urls.dashboard;
    await page.goto(`${base}${state.streamPath}`);
    await page.getByText('Live updates on').waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // The first viewer arrives early: the player page shows the stream offline, then live by itself.
    const a = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewers: BrowserContext[] = [a];
    const viewerA = await a.newPage();
    watchConsole(viewerA, consoleErrors);
    await viewerA.goto(`${base}/watch/${state.playbackId}`);
    await viewerA.getByText('The stream is offline.').waitFor();
    await viewerA.getByPlaceholder('Send a message').waitFor();
    await viewerA.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    const publisher = publish(`${state.rtmpUrl}/${state.streamKey}`, { seconds: 40 });
    try {
      await expect
        .poll(() => page.getByTestId('stream-status').textContent(), { timeout: 25_000, interval: 100 })
        .toBe('live');
      // Same document: the status came over realtime, not from a reload.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      await screenshot(page, '07-stream-live');

      const b = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      viewers.push(b);
      const viewerB = await b.newPage();
      await viewerB.goto(`${base}/watch/${state.playbackId}`);
      await viewerA.getByTestId('watch-status').getByText('LIVE').waitFor();
      expect(await viewerA.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

      // The player plays: currentTime passes 5 s, and hls.js reported no fatal error.
      await viewerA.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 5, undefined, {
        timeout: 40_000,
        polling: 250,
      });
      expect(await viewerA.locator('[data-hls-fatal]').count()).toBe(0);
      expect(await viewerA.locator('.quality select option').allTextContents()).toEqual(
        expect.arrayContaining(['Auto', '240p']),
      );
      await screenshot(viewerA, '08-player-page');

      // Chat: a message from the second context shows in the first within a second.
      await viewerA.getByPlaceholder('Send a message').waitFor();
      await viewerB.getByPlaceholder('Send a message').waitFor();
      const text = `hello from the phone ${Date.now()}`;
      await viewerB.getByLabel('Message').fill(text);
      const sentAt = Date.now();
      await viewerB.getByRole('button', { name: 'Send' }).click();
      await viewerA.getByTestId('chat-messages').getByText(text).waitFor({ timeout: 1000 });
      const latency = Date.now() - sentAt;
      expect(latency).toBeLessThan(1000);
      // A reaction floats over the video in the other viewer's page.
      await viewerB.getByRole('button', { name: 'React fire' }).click();
      await viewerA.locator('.floating-reaction[data-reaction="fire"]').waitFor({ timeout: 2000 });
      await screenshot(viewerB, '09-player-phone');

      // A moderator deletes it from the console: it disappears for both viewers.
      await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Chat moderation' }).click();
      await page.getByLabel('Channel').selectOption({ label: 'Stream: Friday launch (live)' });
      const console_ = page.getByTestId('moderation-messages');
      await console_.getByText(text).waitFor();
      await screenshot(page, '10-moderation');
      await console_.getByRole('button', { name: `Delete message ${text}` }).click();
      await viewerA.getByTestId('chat-messages').getByText(text).waitFor({ state: 'detached', timeout: 3000 });
      await viewerB.getByTestId('chat-messages').getByText(text).waitFor({ state: 'detached', timeout: 3000 });
      await console_.getByText(text).waitFor({ state: 'detached', timeout: 3000 });
      console.log(`chat message crossed contexts in ${latency} ms`);

      // The viewers are counted by the edge and the count reaches the stream page over realtime.
      await page.goBack();
      await page.getByRole('heading', { name: 'Friday launch' }).waitFor();
      await expect
        .poll(async () => Number(await page.getByTestId('viewer-count').locator('strong').textContent()), {
          timeout: 15_000,
          interval: 250,
        })
        .toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    } finally {
      for (const v of viewers) await v.close();
      await publisher.stop();
    }
  });
});
