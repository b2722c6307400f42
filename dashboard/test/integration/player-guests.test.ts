// The player page's guests in Debian's Chromium against the real all-in-one platform: a guest chats, the owner
// bans it, and a new tab of the same browser is still the banned guest (the identity is a server-set cookie, not
// the tab's storage); a signed stream's page without a playback token shows that it is private and nothing of it.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  newDeveloperApp,
  ensureDashboardBuilt,
  launchChromium,
  screenshot,
  startTestPlatform,
  type TestPlatform,
  watchConsole,
} from '@beamline/testkit';

let platform: TestPlatform;
let browser: Browser;
const contexts: BrowserContext[] = [];
const consoleErrors: string[] = [];
let owner: { token: string; appId: string };
const PASSWORD = 'correct horse battery staple';
const ownerEmail = `guests-${Date.now()}@example.com`;

async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${platform.urls.api}${path}`, {
    method,
    headers: {
      ...(owner ? { authorization: `Bearer ${owner.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function createStream(body: Record<string, unknown>) {
  const res = await call<{ id: string; playbackId: string }>('POST', `/v1/apps/${owner.appId}/streams`, body);
  expect(res.status).toBe(201);
  return res.body;
}

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  return context;
}

beforeAll(async () => {
  ensureDashboardBuilt();
  platform = await startTestPlatform();
  owner = await newDeveloperApp(platform.urls.api, { email: ownerEmail, password: PASSWORD, appName: 'Open studio' });
  browser = await launchChromium();
});

afterAll(async () => {
  if (consoleErrors.length) console.log('browser console errors:\n' + consoleErrors.join('\n'));
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
});

describe('a banned guest', () => {
  it('stays banned in a new tab of the same browser', async () => {
    const stream = await createStream({ name: 'Open house' });
    const viewer = await newContext();
    const first = await viewer.newPage();
    first.setDefaultTimeout(15_000);
    watchConsole(first, consoleErrors);
    await first.goto(`${platform.urls.dashboard}/watch/${stream.playbackId}`);
    await first.getByPlaceholder('Send a message').waitFor();
    const text = `hello from a guest ${Date.now()}`;
    await first.getByLabel('Message').fill(text);
    await first.getByRole('button', { name: 'Send' }).click();
    await first.getByTestId('chat-messages').getByText(text).waitFor();

    // The owner bans the author of that message over the REST API.
    const messages = await call<{ data: { text: string; userId: string }[] }>(
      'GET',
      `/v1/apps/${owner.appId}/channels/${stream.id}/messages`,
    );
    const guestId = messages.body.data.find((m) => m.text === text)?.userId;
    expect(guestId).toMatch(/^guest_/);
    const ban = await call('POST', `/v1/apps/${owner.appId}/bans`, { userId: guestId, reason: 'spam' });
    expect(ban.status).toBe(201);
    await first.getByTestId('chat-banned').waitFor();

    // A new tab of the same browser: the same guest, still banned — it gets the notice and no way to send.
    const second = await viewer.newPage();
    second.setDefaultTimeout(15_000);
    watchConsole(second, consoleErrors);
    await second.goto(`${platform.urls.dashboard}/watch/${stream.playbackId}`);
    await second.getByTestId('chat-banned').waitFor();
    expect(await second.getByTestId('chat-banned').textContent()).toContain('You are banned from this chat.');
    expect(await second.getByLabel('Message').count()).toBe(0);
    expect(await second.getByRole('button', { name: 'Send' }).count()).toBe(0);
    await screenshot(second, 'player-guest-banned-new-tab');
    // Nothing the guest can reach in the page keeps its identity: no guest token in the tab's storage.
    const stored = await second.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(stored).not.toContain('guest_');

    // Another browser is another guest, and chats.
    const stranger = await (await newContext()).newPage();
    stranger.setDefaultTimeout(15_000);
    await stranger.goto(`${platform.urls.dashboard}/watch/${stream.playbackId}`);
    await stranger.getByPlaceholder('Send a message').waitFor();
    expect(await stranger.getByTestId('chat-banned').count()).toBe(0);
  });
});

describe('a signed stream', () => {
  it('shows a private-stream notice and nothing about the stream without a playback token', async () => {
    const stream = await createStream({ name: 'Board meeting Q3', playbackPolicy: 'signed', guestChat: 'chat' });
    const page = await (await newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${platform.urls.dashboard}/watch/${stream.playbackId}`);
    await page.getByTestId('watch-private').waitFor();
    expect(await page.getByTestId('watch-private').textContent()).toContain('This stream is private.');
    const html = await page.content();
    expect(html).not.toContain('Board meeting Q3');
    expect(html).not.toContain(stream.id);
    expect(await page.getByLabel('Chat').count()).toBe(0);
    await screenshot(page, 'player-signed-without-token');

    // With a playback token minted by the app's backend, the page shows the stream and lets guests chat.
    const minted = await call<{ token: string }>(
      'POST',
      `/v1/apps/${owner.appId}/streams/${stream.id}/playback-tokens`,
      {},
    );
    await page.goto(
      `${platform.urls.dashboard}/watch/${stream.playbackId}?token=${encodeURIComponent(minted.body.token)}`,
    );
    await page.getByRole('heading', { name: 'Board meeting Q3' }).waitFor();
    await page.getByPlaceholder('Send a message').waitFor();
  });
});

async function logIn(email: string) {
  const page = await (await newContext()).newPage();
  page.setDefaultTimeout(15_000);
  watchConsole(page, consoleErrors);
  await page.goto(`${platform.urls.dashboard}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/apps$/);
  return page;
}

describe('the stream page', () => {
  it("lets the owner make guests read-only and open a signed stream's page; a viewer member sees no key", async () => {
    const stream = await createStream({ name: 'Town hall', playbackPolicy: 'signed' });
    const page = await logIn(ownerEmail);
    await page.goto(`${platform.urls.dashboard}/apps/${owner.appId}/streams/${stream.id}`);
    await page.getByLabel('Guests', { exact: true }).selectOption({ label: 'Guests may only read' });
    await expect
      .poll(async () => (await call(`GET`, `/v1/apps/${owner.appId}/streams/${stream.id}`)).body.guestChat)
      .toBe('read');
    // A signed stream's page opens with a playback token minted for it: the guest reads, and may not write.
    const [player] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: 'Open player page' }).click(),
    ]);
    player.setDefaultTimeout(15_000);
    await player.getByRole('heading', { name: 'Town hall' }).waitFor();
    await player.getByTestId('chat-read-only').waitFor();
    expect(await player.getByLabel('Message').count()).toBe(0);
    await screenshot(player, 'player-read-only');

    // A viewer of the app sees the stream without its key and without the reset button.
    const email = `viewer-${Date.now()}@example.com`;
    await ApiClient.at(platform.urls.api).register(email, PASSWORD);
    const invitation = await call<{ token: string }>('POST', `/v1/apps/${owner.appId}/members/invitations`, {
      email,
      role: 'viewer',
    });
    const viewer = await logIn(email);
    const accepted = await viewer.evaluate(async (token) => {
      const session = JSON.parse(localStorage.getItem('beamline.session') ?? '{}') as { refreshToken?: string };
      const refreshed = await fetch('/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      const { accessToken, refreshToken } = (await refreshed.json()) as { accessToken: string; refreshToken: string };
      localStorage.setItem('beamline.session', JSON.stringify({ ...session, refreshToken }));
      const res = await fetch('/v1/invitations/accept', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ token }),
      });
      return res.status;
    }, invitation.body.token);
    expect(accepted).toBe(200);
    await viewer.goto(`${platform.urls.dashboard}/apps/${owner.appId}/streams/${stream.id}`);
    await viewer.getByTestId('stream-key-hidden').waitFor();
    expect(await viewer.getByTestId('stream-key').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Reset stream key' }).count()).toBe(0);
    expect(await viewer.getByLabel('Guests', { exact: true }).isDisabled()).toBe(true);
    await screenshot(viewer, 'stream-detail-viewer');
  });
});
