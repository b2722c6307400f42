// The rest of the console in Chromium against the real platform: sessions (refresh after a bad access token, log
// out), API keys, team, audit log, analytics, settings with archive, and branding end to end, including a custom
// domain verified through a real DNS lookup and the branded player page served under it.
import { setServers } from 'node:dns';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newDeveloperApp,
  ensureDashboardBuilt,
  launchChromium,
  screenshot,
  startTestDnsServer,
  startTestPlatform,
  type TestDnsServer,
  type TestPlatform,
  watchConsole,
} from '@beamline/testkit';

const HOST = 'live.brand.test';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mP8z8BQz0AEYBxVSF+FAP5FDvcfRYWgAAAAAElFTkSuQmCC',
  'base64',
);

let platform: TestPlatform;
let dns: TestDnsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const account = { email: `grace-${Date.now()}@example.com`, password: 'correct horse battery staple' };
const ids: { appId?: string; playbackId?: string } = {};

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(platform.urls.api + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

beforeAll(async () => {
  ensureDashboardBuilt();
  dns = await startTestDnsServer();
  setServers([dns.address]); // the in-process control plane verifies domains against this loopback DNS server
  platform = await startTestPlatform();
  const dev = await newDeveloperApp(platform.urls.api, { ...account, name: 'Grace Hopper', appName: 'Brand Co' });
  ids.appId = dev.appId;
  const stream = await call('POST', `/v1/apps/${ids.appId}/streams`, dev.token, { name: 'Keynote' });
  ids.playbackId = stream.body.playbackId;
  browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchConsole(page, consoleErrors);
});

afterAll(async () => {
  if (consoleErrors.length) console.log('browser console errors:\n' + consoleErrors.join('\n'));
  await browser?.close();
  await platform?.close();
  await dns?.close();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'App' }).getByRole('link', { name, exact: true });

describe('sessions', () => {
  it('logs in, shows the API message on a bad password, survives a reload by refreshing, and logs out', async () => {
    await page.goto(`${platform.urls.dashboard}/login`);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const apiMessage = (await call('POST', '/v1/auth/login', undefined, { email: account.email, password: 'nope' }))
      .body.error.message;
    expect(await alert.textContent()).toContain(apiMessage);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/apps');
    await page.getByRole('link', { name: /Brand Co/ }).waitFor();
    await screenshot(page, '11-apps-list');

    // A reload keeps the session: the stored refresh token is traded for a new pair, silently.
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem('beamline.session')!));
    await page.reload();
    await page.getByRole('link', { name: /Brand Co/ }).waitFor();
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('beamline.session')!));
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // The rotated-away refresh token no longer works.
    expect((await call('POST', '/v1/auth/refresh', undefined, { refreshToken: before.refreshToken })).status).toBe(401);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    // The old refresh token was revoked, and protected pages need a session again.
    expect((await call('POST', '/v1/auth/refresh', undefined, { refreshToken: after.refreshToken })).status).toBe(401);
    await page.goto(`${platform.urls.dashboard}/apps/${ids.appId}/keys`);
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`**/apps/${ids.appId}/keys`);
  });
});

describe('keys, team, audit, analytics, settings', () => {
  it('creates, rotates and revokes a key showing the secret once, invites a member, and reads the audit log', async () => {
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Backend');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    const row = page.getByRole('row', { name: /Backend/ });
    // The list shows the last four characters only.
    expect(await row.textContent()).toContain(`…${secret.slice(-4)}`);
    expect(await page.content()).not.toContain(secret);
    await row.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await page.getByTestId('secret-value').inputValue();
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    await screenshot(page, '12-api-keys');

    await nav('Team').click();
    await page.getByRole('button', { name: 'Invite member' }).click();
    await page.getByRole('dialog').getByLabel('Email').fill('teammate@example.com');
    await page.getByRole('dialog').getByRole('button', { name: 'Send invitation' }).click();
    expect(await page.getByRole('dialog').getByRole('textbox', { name: 'Invitation link' }).inputValue()).toMatch(
      /^http/,
    );
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByText('teammate@example.com').waitFor();
    await screenshot(page, '13-team');

    await nav('Audit log').click();
    await page.getByRole('cell', { name: /revokeApiKey/ }).waitFor();
    await page.getByPlaceholder('createStream').fill('rotateApiKey');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // header + the one rotation
    await screenshot(page, '14-audit-log');

    await nav('Analytics').click();
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '7d' }).click();
    await page.getByText('Peak viewers').waitFor();
    await screenshot(page, '15-analytics');

    await nav('Settings').click();
    await page.getByRole('button', { name: 'Archive app' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive app' }).click();
    await page.getByRole('button', { name: 'Unarchive' }).waitFor();
    expect((await call('GET', '/v1/apps', undefined)).status).toBe(401);
    await page.getByRole('button', { name: 'Unarchive' }).click();
    await page.getByRole('button', { name: 'Archive app' }).waitFor();
  });
});

describe('branding', () => {
  it('previews and saves a theme and logo, exports CSS, verifies a custom domain, and brands the player there', async () => {
    await nav('Branding').click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByLabel('Primary').fill('#ff0066');
    // The preview follows the draft before it is saved.
    const previewPrimary = () =>
      page.locator('.brand-preview .watch').evaluate((el) => getComputedStyle(el).getPropertyValue('--bl-primary'));
    await expect.poll(previewPrimary).toBe('#ff0066');
    await page.getByLabel('Player skin').selectOption('rounded');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();
    await page.getByLabel('Upload logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByAltText('Current logo').waitFor();
    // A wrong file gets the API's message.
    await page
      .getByLabel('Upload favicon')
      .setInputFiles({ name: 'fav.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
    await page.getByText(/A favicon must be one of/).waitFor();
    await page.getByRole('button', { name: 'Export' }).click();
    expect(await page.locator('pre.code').textContent()).toContain('--bl-primary: #ff0066;');

    await page.getByLabel('Domain').fill(HOST);
    await page.getByRole('button', { name: 'Add domain' }).click();
    const txtName = await page.getByRole('textbox', { name: 'TXT record name' }).inputValue();
    const txtValue = await page.getByRole('textbox', { name: 'TXT record value' }).inputValue();
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText(/No TXT record found/).waitFor();
    dns.txt.set(txtName, [txtValue]);
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText(/^Verified /).waitFor();
    await screenshot(page, '16-branding');

    const port = new URL(platform.urls.dashboard).port;
    const branded = await context.newPage();
    await branded.goto(`http://${HOST}:${port}/watch/${ids.playbackId}`);
    await branded.getByRole('heading', { name: 'Keynote' }).waitFor();
    expect(
      await branded.locator('.watch').evaluate((el) => getComputedStyle(el).getPropertyValue('--bl-primary')),
    ).toBe('#ff0066');
    expect(await branded.locator('link[rel="stylesheet"][href*="/theme.css"]').count()).toBe(1);
    await branded.locator('img.watch-logo').waitFor();
    await branded.getByText('The stream is offline.').waitFor();
    await screenshot(branded, '17-branded-player-custom-domain');
    // The dashboard itself is not served on a customer's domain.
    expect((await branded.goto(`http://${HOST}:${port}/apps`))?.status()).toBe(404);
    await branded.close();
  });
});
