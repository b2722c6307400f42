// Account security in Debian's Chromium against the real all-in-one platform: a developer turns on two-factor
// authentication by scanning nothing but the shown secret, logs in with a recovery code as the second step,
// stays signed in across a reload with no access token in storage, and resets a forgotten password through the
// development outbox, which the platform operator reads; signing out everywhere ends another browser's session.
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  ensureDashboardBuilt,
  launchChromium,
  screenshot,
  startTestPlatform,
  type TestPlatform,
  watchConsole,
} from '@beamline/testkit';

let platform: TestPlatform;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const email = `sec-${Date.now()}@example.com`;
const password = 'first long password';
/** The platform operator, who alone may read the development outbox. */
const operatorEmail = `ops-${Date.now()}@example.com`;
const operatorPassword = 'operator long password';
let recoveryCodes: string[] = [];

beforeAll(async () => {
  ensureDashboardBuilt();
  platform = await startTestPlatform({ DEV_OUTBOX: 'true', OPERATOR_EMAILS: operatorEmail });
  await ApiClient.at(platform.urls.api).register(operatorEmail, operatorPassword);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(15_000);
  watchConsole(page, consoleErrors);
});

afterAll(async () => {
  if (consoleErrors.length) console.log('browser console errors:\n' + consoleErrors.join('\n'));
  await browser?.close();
  await platform?.close();
});

async function logIn(pw: string, recoveryCode: string) {
  await page.goto(`${platform.urls.dashboard}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Authentication code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/apps$/);
}

describe('two-factor authentication in the dashboard', () => {
  it('turns 2FA on from the account page and shows the recovery codes once', async () => {
    const base = platform.urls.dashboard;
    await page.goto(`${base}/register`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(/\/apps/);
    await page.getByRole('link', { name: email }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('button', { name: 'Set up' }).click();
    await expect.poll(() => page.getByAltText('QR code of the authenticator secret').isVisible()).toBe(true);
    const secret = (await page.locator('section code').first().textContent())!.trim();
    await page.getByLabel('Code', { exact: true }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.locator('pre').filter({ hasText: '-' });
    await expect.poll(() => codes.count()).toBe(1);
    recoveryCodes = (await codes.textContent())!.trim().split('\n');
    expect(recoveryCodes).toHaveLength(10);
    await expect.poll(() => page.getByText(/10 recovery codes left/).isVisible()).toBe(true);
    await screenshot(page, 'account-2fa-on');
  });

  it('log-in asks for the second step; a recovery code completes it; a reload keeps the session', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await logIn(password, recoveryCodes[0]!);
    const stored = await page.evaluate(() => localStorage.getItem('beamline.session') ?? '');
    expect(stored).toContain('refreshToken');
    expect(stored).not.toContain('accessToken');
    await page.reload();
    await page.waitForLoadState('networkidle');
    expect(page.url()).toMatch(/\/apps$/);
    await expect.poll(() => page.getByRole('link', { name: email }).isVisible()).toBe(true);
  });

  it('a forgotten password is reset through the link in the development outbox', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await expect.poll(() => page.getByText('Check your mail').isVisible()).toBe(true);
    // The operator reads the outbox in a browser of their own; a developer without that role sees nothing there.
    const ops = await (await browser.newContext()).newPage();
    await ops.goto(`${platform.urls.dashboard}/dev/outbox`);
    await ops.getByRole('link', { name: 'Log in' }).click();
    await ops.getByLabel('Email').fill(operatorEmail);
    await ops.getByLabel('Password').fill(operatorPassword);
    await ops.getByRole('button', { name: 'Log in' }).click();
    await ops.waitForURL(/\/dev\/outbox$/);
    const link = ops.getByRole('link', { name: /reset-password\?token=/ }).first();
    const href = (await link.getAttribute('href'))!;
    await ops.context().close();
    await page.goto(href);
    await page.getByLabel(/New password/).fill('second long password');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await expect.poll(() => page.getByText('Password changed').isVisible()).toBe(true);
    await screenshot(page, 'password-reset-done');
    await logIn('second long password', recoveryCodes[1]!);
  });

  it('"Sign out everywhere" ends the session of another browser too', async () => {
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${platform.urls.dashboard}/login`);
    await other.getByLabel('Email').fill(email);
    await other.getByLabel('Password').fill('second long password');
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.getByLabel('Authentication code').fill(recoveryCodes[2]!);
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.waitForURL(/\/apps$/);

    await page.getByRole('link', { name: email }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/login/);
    // The other browser's next call is refused, its refresh token too: it lands on the log-in page.
    await other.reload();
    await other.waitForURL(/\/login/);
    await other.context().close();
  });
});
