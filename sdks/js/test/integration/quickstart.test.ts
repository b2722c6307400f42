// documentation/QUICKSTART.md, executed: its blocks run in order against a fresh platform, then the page it
// builds is opened in Chromium (chat connects, a message round-trips, the live stream plays).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { freePort, launchChromium, ROOT, testEnv, waitFor } from '@beamline/testkit';
import { codeBlocks } from './markdown';

// Inside the checkout, as the quickstart asks, so `@beamline/sdk` resolves from the workspace.
const WORK = join(ROOT, `.quickstart-${process.pid}`);
const ENV_FILE = join(WORK, '.env.sh');
const background: ChildProcess[] = [];
let browser: Browser | undefined;

function run(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn('bash', ['-c', script], { cwd: WORK, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`exit ${code}:\n${out}`));
    });
  });
}

afterAll(async () => {
  await browser?.close();
  for (const proc of background) {
    try {
      process.kill(-proc.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await waitFor(() => background.every((p) => p.exitCode !== null || p.signalCode !== null), {
    what: 'the quickstart processes to exit',
  }).catch(() => undefined); // cleanup goes on regardless
  rmSync(WORK, { recursive: true, force: true });
});

it('runs every block of the QUICKSTART in order and the page works', async () => {
  const markdown = readFileSync(join(ROOT, 'documentation/QUICKSTART.md'), 'utf8');
  const blocks = codeBlocks(markdown);
  expect(blocks.length).toBeGreaterThan(8);
  const platformEnv = await testEnv();
  const appPort = String(await freePort());
  // The page names the default ports; the test gives the platform free ones and a fresh data folder.
  const ports: Record<string, string> = {
    'localhost:8080': `127.0.0.1:${platformEnv.PORT}`,
    'localhost:8081': `127.0.0.1:${platformEnv.REALTIME_PORT}`,
    'localhost:8000': `127.0.0.1:${platformEnv.HLS_PORT}`,
    'localhost:1935': `127.0.0.1:${platformEnv.RTMP_PORT}`,
    'localhost:3000': `127.0.0.1:${appPort}`,
  };
  const localize = (code: string) => code.replace(/localhost:\d+/g, (m) => ports[m] ?? m);
  mkdirSync(WORK, { recursive: true });
  writeFileSync(ENV_FILE, '');
  const env = { ...process.env, ...platformEnv, APP_PORT: appPort, LOG_LEVEL: 'warn' };

  for (const block of blocks) {
    const where = `QUICKSTART.md line ${block.line}`;
    const directive = block.directive ?? '';
    if (directive.startsWith('skip')) continue;
    const fileName = /^file (\S+)$/.exec(directive)?.[1];
    if (fileName) {
      writeFileSync(join(WORK, fileName), localize(block.code));
      continue;
    }
    expect(block.lang, `${where}: a block the test can neither run nor save`).toBe('sh');
    const script = `set -eo pipefail\nsource ${ENV_FILE}\n${localize(block.code)}`;
    if (directive === 'background') {
      const proc = spawn('bash', ['-c', script], { cwd: WORK, env, stdio: 'ignore', detached: true });
      background.push(proc);
      continue;
    }
    expect(directive, `${where}: unknown directive`).toBe('');
    await run(`${script}\nexport -p > ${ENV_FILE}`, env, 90_000).catch((err: Error) => {
      throw new Error(`${where} failed: ${err.message}`);
    });
  }

  // What the reader does last: open the page, chat, watch.
  browser = await launchChromium();
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${appPort}/`);
  await tab.waitForFunction(() => document.querySelector('#status')?.textContent === 'chat: connected', null, {
    timeout: 20_000,
  });
  await tab.fill('#text', 'hello from the quickstart');
  await tab.press('#text', 'Enter');
  await tab.waitForFunction(
    () =>
      [...document.querySelectorAll('#messages li')].some((li) =>
        li.textContent?.endsWith('hello from the quickstart'),
      ),
    null,
    { timeout: 10_000 },
  );
  await waitFor(() => tab.evaluate(() => (document.querySelector('#video') as HTMLVideoElement).currentTime > 1), {
    timeoutMs: 40_000,
    what: 'the page to play the live stream',
  });
  expect(await tab.textContent('#live')).toBe('stream: live');
});
