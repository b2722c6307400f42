// The examples/ folder runs: the Node backend against the platform, the static page in Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { freePort, launchChromium, ROOT, startTestPlatform, waitFor, type TestPlatform } from '@beamline/testkit';
import { decodeToken } from '../../src/index';
import { createTestApp } from './helpers';

const APP_JS = join(ROOT, 'examples/static-page/app.js'); // git-ignored build output, as the README builds it
let platform: TestPlatform | undefined;
let backend: ChildProcess | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  backend?.kill('SIGTERM');
  await platform?.close();
  rmSync(APP_JS, { force: true });
});

it('serves tokens from the example backend and chats on the example page', async () => {
  platform = await startTestPlatform();
  const app = await createTestApp(platform.urls.api);
  await build({
    entryPoints: [join(ROOT, 'examples/static-page/app.ts')],
    bundle: true,
    format: 'esm',
    outfile: APP_JS,
    logLevel: 'silent',
  });
  const port = String(await freePort());
  let output = '';
  backend = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples/node-backend/server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BEAMLINE_API_KEY: app.apiKey,
      BEAMLINE_API_SECRET: app.apiSecret,
      BEAMLINE_API_URL: platform.urls.api,
      BEAMLINE_REALTIME_URL: `http://127.0.0.1:${platform.env.REALTIME_PORT}`,
      APP_PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  backend.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  backend.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('open http://'), { timeoutMs: 30_000, what: `the example backend:\n${output}` });
  const base = `http://127.0.0.1:${port}`;

  const moderator = (await (await fetch(`${base}/api/chat-token?user=moderator`)).json()) as { token: string };
  expect(decodeToken(moderator.token)).toMatchObject({ sub: 'moderator', role: 'moderator', app: app.apiKey });
  const hook = await fetch(`${base}/webhooks`, { method: 'POST', body: '{}', headers: { 'webhook-signature': 'x' } });
  expect(hook.status).toBe(400);
  expect(await (await fetch(`${base}/../../package.json`)).text()).not.toContain('workspaces');

  browser = await launchChromium();
  const ada = await browser.newPage();
  const bob = await browser.newPage();
  await ada.goto(`${base}/?user=ada`);
  await bob.goto(`${base}/?user=bob`);
  for (const [tab, name] of [
    [ada, 'ada'],
    [bob, 'bob'],
  ] as const) {
    await tab.waitForFunction(
      (n) => document.querySelector('#chat-status')?.textContent === `connected as ${n}`,
      name,
      {
        timeout: 20_000,
      },
    );
  }
  await ada.fill('#text', 'hi bob');
  await ada.press('#text', 'Enter');
  await bob.waitForFunction(
    () => [...document.querySelectorAll('#messages li')].some((li) => li.textContent === 'ada: hi bob'),
    null,
    { timeout: 10_000 },
  );
  await bob.click('[data-reaction="clap"]');
  await ada.waitForFunction(() => document.querySelector('#reactions')?.textContent?.includes('clap 1'), null, {
    timeout: 10_000,
  });
});
