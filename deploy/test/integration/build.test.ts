// The compiled services run as the images run them: `node <service>/dist/main.js` in a tree holding only the
// compiled files, the built dashboard and a production install of the npm packages (`npm ci --omit=dev`), on free
// loopback ports with a temporary DATA_DIR. Each answers /healthz over real HTTP, the control planes /openapi.json.
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices, ROOT, type BuiltService, type Service } from '../../../scripts/build/services';

const run = promisify(execFile);

interface Running {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const work = tempDir('beamline-build-');
const app = join(work.path, 'app');
const running = new Map<Service, Running>();
const urls = {} as Record<Service, string>;
let built: BuiltService[] = [];

/**
 * The image's node_modules: every workspace manifest and the lockfile, installed without dev dependencies for the
 * all-in-one workspace (whose dependencies are every service's), then moved beside the compiled files alone, as the
 * Dockerfiles copy it (workspace links and nested node_modules stay behind).
 */
async function installProduction(): Promise<void> {
  const install = join(work.path, 'install');
  const { workspaces } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const file of ['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)])
    cpSync(join(ROOT, file), join(install, file));
  await run(
    'npm',
    [
      'ci',
      '--omit=dev',
      '--workspace',
      'all-in-one',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: install, timeout: 120_000 },
  );
  mkdirSync(app, { recursive: true });
  renameSync(join(install, 'node_modules'), join(app, 'node_modules'));
  rmSync(join(app, 'node_modules', '@beamline'), { recursive: true, force: true });
}

function start(service: Service, env: Record<string, string>): Running {
  const proc = spawn(process.execPath, [join(service, 'dist', 'main.js')], {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const started = { proc, output, exited };
  running.set(service, started);
  return started;
}

/** Waits for `url` to answer 200, failing at once with the process's output if it exits first. */
async function answers(service: Service, url: string): Promise<void> {
  const { proc, output } = running.get(service)!;
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`${service} exited ${proc.exitCode}:\n${output.join('')}`);
      return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${url} (${service}); output:\n${output.join('')}` },
  ).catch((err: Error) => {
    throw new Error(err.message.replace(/^timed out waiting for /, `${service} never answered `));
  });
}

async function stop(service: Service): Promise<number | null> {
  const { proc, exited } = running.get(service)!;
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

beforeAll(async () => {
  built = await buildServices();
  await installProduction();
  for (const { service } of built) cpSync(join(ROOT, service, 'dist'), join(app, service, 'dist'), { recursive: true });
  if (existsSync(join(ROOT, 'dashboard', 'dist', 'index.html')))
    cpSync(join(ROOT, 'dashboard', 'dist'), join(app, 'dashboard', 'dist'), { recursive: true });

  const [aio, aioRealtime, aioRtmp, aioHls, api, realtime, rtmp, hls] = await Promise.all(
    Array.from({ length: 8 }, () => freePort()),
  );
  const secrets = {
    JWT_SECRET: randomBytes(24).toString('hex'),
    EDGE_SECRET: randomBytes(24).toString('hex'),
    MASTER_KEY: randomBytes(32).toString('hex'),
  };
  const dataDir = (name: string) => {
    const dir = join(work.path, 'data', name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  start('all-in-one', {
    PORT: String(aio),
    REALTIME_PORT: String(aioRealtime),
    RTMP_PORT: String(aioRtmp),
    HLS_PORT: String(aioHls),
    DATA_DIR: dataDir('all-in-one'),
    SEED_DEMO: 'false',
  });
  start('control-plane', { PORT: String(api), DATA_DIR: dataDir('control-plane'), ...secrets });
  start('realtime', { REALTIME_PORT: String(realtime), DATA_DIR: dataDir('realtime'), MASTER_KEY: secrets.MASTER_KEY });
  start('media-edge', {
    RTMP_PORT: String(rtmp),
    HLS_PORT: String(hls),
    DATA_DIR: dataDir('media-edge'),
    CONTROL_PLANE_URL: `http://127.0.0.1:${api}`,
    EDGE_SECRET: secrets.EDGE_SECRET,
  });
  Object.assign(urls, {
    'all-in-one': `http://127.0.0.1:${aio}`,
    'control-plane': `http://127.0.0.1:${api}`,
    realtime: `http://127.0.0.1:${realtime}`,
    'media-edge': `http://127.0.0.1:${hls}`,
  });
  await Promise.all(built.map(({ service }) => answers(service, `${urls[service]}/healthz`)));
  // All-in-one mode prints its banner once every service listens and its signal handlers are in place.
  const aioOutput = running.get('all-in-one')!.output;
  await waitFor(() => aioOutput.join('').includes('Beamline is running'), {
    timeoutMs: 30_000,
    what: 'the all-in-one banner',
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([...running.keys()].map(stop));
  work.remove();
});

describe('the compiled services', () => {
  it('are one JavaScript file each, importing only npm packages that a production install holds', () => {
    expect(built.map((b) => b.service).sort()).toEqual(['all-in-one', 'control-plane', 'media-edge', 'realtime']);
    for (const { service, external } of built) {
      expect(external.length, service).toBeGreaterThan(0);
      for (const name of external)
        expect(existsSync(join(app, 'node_modules', name, 'package.json')), `${service} imports ${name}`).toBe(true);
      expect(external, service).not.toContain('tsx');
    }
  });

  it('answer /healthz, each on its own port, started with node alone', async () => {
    for (const service of running.keys()) {
      const res = await fetch(`${urls[service]}/healthz`);
      expect(res.status, service).toBe(200);
    }
  });

  it('serve the OpenAPI document from the control plane, alone and in all-in-one mode', async () => {
    for (const service of ['control-plane', 'all-in-one'] as const) {
      const res = await fetch(`${urls[service]}/openapi.json`);
      expect(res.status, service).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi, service).toMatch(/^3\./);
      expect(Object.keys(doc.paths), service).toContain('/v1/apps');
    }
  });

  it('keep state through the compiled control plane: a developer registers and creates an app', async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${urls['control-plane']}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const login = { email: `build-${Date.now()}@example.com`, password: `pw-${randomBytes(9).toString('hex')}` };
    const registered = await post('/v1/auth/register', { ...login, name: 'Build check' });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const created = await post('/v1/apps', { name: 'Compiled' }, accessToken);
    expect(created.status).toBe(201);
    const { app, apiKey } = (await created.json()) as { app: { id: string }; apiKey: { secret: string } };
    expect(app.id).toMatch(/^app_/);
    expect(apiKey.secret.length).toBeGreaterThan(0);
  });

  it('find the built dashboard where the sources would (dashboard/dist beside the workspaces)', async (ctx) => {
    if (!existsSync(join(app, 'dashboard', 'dist'))) ctx.skip(); // `npm run build --workspace dashboard` makes it
    const page = await (await fetch(`${urls['all-in-one']}/`)).text();
    expect(page).toContain('<div id="root">');
    expect(page).not.toContain('not built yet');
  });

  it('stop in order on SIGTERM and exit 0', async () => {
    for (const service of ['all-in-one', 'realtime'] as const) expect(await stop(service), service).toBe(0);
  });
});
