// `npm run cluster`: control plane, two realtime nodes and the media edge as separate processes on one
// machine, over a local redis-server (started here unless REDIS_URL is given) and MONGODB_URL when given.
// A supervisor restarts a process that dies, as an orchestrator would; Ctrl-C stops everything in order.
//
// Without MONGODB_URL, this process owns the embedded store under DATA_DIR and shares it with the
// control plane and the realtime nodes over loopback HTTP (STORE_URL, with a secret made per run): the
// datafiles belong to one process, so the services cannot each open them. Without realtime nodes
// (--services=control-plane,media-edge) the control plane owns the datafiles itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbeddedStore, loadOrCreateSecrets, storeHandler } from '@beamline/core';

export type ServiceName = 'control-plane' | 'realtime-1' | 'realtime-2' | 'media-edge';
export const ALL_SERVICES: ServiceName[] = ['control-plane', 'realtime-1', 'realtime-2', 'media-edge'];

export interface ClusterOptions {
  env: Record<string, string | undefined>;
  services?: ServiceName[];
  /** Restart a process that exits without being asked to (default true). */
  supervise?: boolean;
  /** How long the supervisor waits before starting a process again (default 500 ms). */
  restartDelayMs?: number;
  /** Where each line of a process's output goes (default: stdout with a prefix). */
  onOutput?: (service: ServiceName | 'redis', line: string) => void;
}

export interface RunningService {
  name: ServiceName;
  /** The HTTP port answering /readyz and /metrics. */
  httpPort: number;
  proc(): ChildProcess;
  /** How many times this service was started. */
  starts(): number;
}

export interface Cluster {
  urls: { api: string; realtime: string[]; hls: string; rtmp: string };
  redisUrl: string;
  env: Record<string, string>;
  services: Map<ServiceName, RunningService>;
  /** Sends a signal to one service (SIGKILL for a crash drill) and waits for it to exit. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a service again that is not running (when the supervisor is off). */
  start(name: ServiceName): void;
  /** Resolves when the service answers /readyz again after a restart. */
  waitReady(name: ServiceName, timeoutMs?: number): Promise<void>;
  /** Kills the redis-server this cluster started and starts it again on the same port. */
  restartRedis(): Promise<void>;
  /** Graceful stop: the edge first, then realtime nodes, then the control plane, then Redis. */
  stop(): Promise<void>;
}

const ENTRY: Record<ServiceName, string> = {
  'control-plane': 'control-plane/src/main.ts',
  'realtime-1': 'realtime/src/main.ts',
  'realtime-2': 'realtime/src/main.ts',
  'media-edge': 'media-edge/src/main.ts',
};

const root = resolve(import.meta.dirname, '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end();
      done(true);
    });
    s.on('error', () => done(false));
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const ready = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return done();
    proc.once('exit', () => done());
  });
}

function pipeLines(proc: ChildProcess, emit: (line: string) => void) {
  for (const stream of [proc.stdout, proc.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line) emit(line);
    });
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const e = opts.env;
  const wanted = opts.services ?? ALL_SERVICES;
  const supervise = opts.supervise ?? true;
  const restartDelayMs = opts.restartDelayMs ?? 500;
  const out = opts.onOutput ?? ((name, line) => process.stdout.write(`[${name}] ${line}\n`));
  const dataDir = resolve(e.DATA_DIR || './data');
  const secrets = loadOrCreateSecrets(dataDir);
  const ports = {
    api: Number(e.PORT || 8080),
    realtime: [Number(e.REALTIME_PORT || 8081), Number(e.REALTIME_PORT_2 || 8082)],
    rtmp: Number(e.RTMP_PORT || 1935),
    hls: Number(e.HLS_PORT || 8000),
    redis: Number(e.CLUSTER_REDIS_PORT || 6390),
  };

  // Redis: the operator's, or a private redis-server kept under DATA_DIR/redis.
  let redisProc: ChildProcess | null = null;
  const redisUrl = e.REDIS_URL || `redis://127.0.0.1:${ports.redis}`;
  const startRedis = async () => {
    const dir = join(dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    redisProc = spawn(
      'redis-server',
      ['--port', String(ports.redis), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    redisProc.once('error', (err) => out('redis', `redis-server could not start: ${err.message}`));
    pipeLines(redisProc, (line) => out('redis', line));
    await until(() => portOpen(ports.redis), 10_000, `redis-server on port ${ports.redis}`);
  };
  if (!e.REDIS_URL) await startRedis();

  // The shared embedded store (no MongoDB, realtime nodes wanted): served on a loopback port to the processes
  // that need it. Without realtime nodes the control plane opens the datafiles itself, as in all-in-one mode.
  let shared: { store: EmbeddedStore; server: Server; url: string } | null = null;
  if (!e.MONGODB_URL && wanted.some((s) => s.startsWith('realtime'))) {
    const store = new EmbeddedStore({ dataDir });
    await store.ping();
    const secret = randomBytes(24).toString('hex');
    const server = createServer(storeHandler(store, secret));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(e.CLUSTER_STORE_PORT || 0), '127.0.0.1', () =>
        resolve((server.address() as net.AddressInfo).port),
      );
    });
    shared = { store, server, url: `http://:${secret}@127.0.0.1:${port}/` };
  }

  const host = e.PUBLIC_HOST || 'localhost';
  const base: Record<string, string> = Object.fromEntries(
    Object.entries({
      ...e,
      NODE_ENV: e.NODE_ENV || 'development',
      HOST: e.HOST || '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL: redisUrl,
      STORE_URL: shared?.url,
      JWT_SECRET: e.JWT_SECRET || secrets.JWT_SECRET,
      EDGE_SECRET: e.EDGE_SECRET || secrets.EDGE_SECRET,
      MASTER_KEY: e.MASTER_KEY || secrets.MASTER_KEY,
      PUBLIC_BASE_URL: e.PUBLIC_BASE_URL || `http://${host}:${ports.api}`,
      REALTIME_PUBLIC_URL: e.REALTIME_PUBLIC_URL || `http://${host}:${ports.realtime[0]}`,
      RTMP_PUBLIC_URL: e.RTMP_PUBLIC_URL || `rtmp://${host}:${ports.rtmp}/live`,
      HLS_PUBLIC_URL: e.HLS_PUBLIC_URL || `http://${host}:${ports.hls}`,
      CONTROL_PLANE_URL: e.CONTROL_PLANE_URL || `http://127.0.0.1:${ports.api}`,
      STATUS_COMPONENTS:
        e.STATUS_COMPONENTS ||
        [
          ...wanted
            .filter((s) => s.startsWith('realtime'))
            .map((s) => `${s}=http://127.0.0.1:${ports.realtime[s === 'realtime-1' ? 0 : 1]}/readyz`),
          ...(wanted.includes('media-edge') ? [`media-edge=http://127.0.0.1:${ports.hls}/readyz`] : []),
        ].join(','),
    }).filter((kv): kv is [string, string] => typeof kv[1] === 'string' && kv[1] !== ''),
  );
  if (!base.STATUS_COMPONENTS) delete base.STATUS_COMPONENTS;
  const envOf = (name: ServiceName): Record<string, string> => {
    if (name === 'realtime-1') return { ...base, REALTIME_PORT: String(ports.realtime[0]) };
    if (name === 'realtime-2') return { ...base, REALTIME_PORT: String(ports.realtime[1]) };
    if (name === 'media-edge') {
      const { STORE_URL: _edgeHasNoStore, ...edge } = base;
      return { ...edge, MEDIA_DIR: e.MEDIA_DIR || join(dataDir, 'media') };
    }
    return { ...base, PORT: String(ports.api) };
  };
  const httpPortOf = (name: ServiceName) =>
    name === 'control-plane'
      ? ports.api
      : name === 'media-edge'
        ? ports.hls
        : ports.realtime[name === 'realtime-1' ? 0 : 1]!;

  let stopping = false;
  const services = new Map<ServiceName, RunningService>();
  /** Ready means this cluster's own process answers: another program on the port does not count. */
  const readyOf = (name: ServiceName) => async () => {
    const proc = services.get(name)?.proc();
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return false;
    return ready(httpPortOf(name))();
  };
  const runs = new Map<ServiceName, () => void>();
  const launch = (name: ServiceName) => {
    let proc: ChildProcess;
    let starts = 0;
    const run = () => {
      starts++;
      proc = spawn(process.execPath, ['--import', 'tsx', ENTRY[name]], {
        cwd: root,
        env: { ...process.env, ...envOf(name) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      pipeLines(proc, (line) => out(name, line));
      proc.once('exit', (code, signal) => {
        if (stopping || !supervise) return;
        out(name, `exited (${signal ?? code}); restarting in ${restartDelayMs} ms`);
        setTimeout(() => {
          if (!stopping) run();
        }, restartDelayMs).unref();
      });
    };
    run();
    runs.set(name, run);
    const service: RunningService = { name, httpPort: httpPortOf(name), proc: () => proc, starts: () => starts };
    services.set(name, service);
  };

  const stopService = async (name: ServiceName) => {
    const proc = services.get(name)?.proc();
    if (!proc) return;
    proc.kill('SIGTERM');
    const killTimer = setTimeout(() => proc.kill('SIGKILL'), 35_000);
    await exited(proc);
    clearTimeout(killTimer);
  };
  const stop = async () => {
    stopping = true;
    for (const group of [['media-edge'], ['realtime-1', 'realtime-2'], ['control-plane']] as ServiceName[][])
      await Promise.all(group.filter((n) => services.has(n)).map(stopService));
    if (shared) {
      await new Promise<void>((r) => {
        shared!.server.close(() => r());
        shared!.server.closeAllConnections();
      });
      await shared.store.close();
    }
    if (redisProc) {
      redisProc.kill('SIGTERM');
      await exited(redisProc);
    }
  };

  try {
    // The control plane first: it owns the indexes, and the edge asks it about every publish.
    for (const group of [['control-plane'], ['realtime-1', 'realtime-2', 'media-edge']] as ServiceName[][]) {
      const names = group.filter((n) => wanted.includes(n));
      names.forEach(launch);
      await Promise.all(names.map((n) => until(readyOf(n), 60_000, `${n} to be ready`)));
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    urls: {
      api: base.PUBLIC_BASE_URL!,
      realtime: wanted.filter((s) => s.startsWith('realtime')).map((s) => `http://127.0.0.1:${httpPortOf(s)}`),
      hls: base.HLS_PUBLIC_URL!,
      rtmp: base.RTMP_PUBLIC_URL!,
    },
    redisUrl,
    env: base,
    services,
    kill: async (name, signal = 'SIGKILL') => {
      const proc = services.get(name)?.proc();
      if (!proc) throw new Error(`${name} is not part of this cluster`);
      proc.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited(proc);
    },
    start: (name) => {
      const proc = services.get(name)?.proc();
      if (proc && proc.exitCode === null && proc.signalCode === null) throw new Error(`${name} is running`);
      runs.get(name)!();
    },
    waitReady: (name, timeoutMs = 30_000) => until(readyOf(name), timeoutMs, `${name} to be ready`),
    restartRedis: async () => {
      if (!redisProc) throw new Error('REDIS_URL was given: this cluster did not start Redis');
      redisProc.kill('SIGKILL');
      await exited(redisProc);
      await startRedis();
    },
    stop,
  };
}

function parseServices(argv: string[]): ServiceName[] | undefined {
  const arg = argv.find((a) => a.startsWith('--services='));
  if (!arg) return undefined;
  const names = arg.slice('--services='.length).split(',').filter(Boolean);
  for (const n of names)
    if (!ALL_SERVICES.includes(n as ServiceName))
      throw new Error(`unknown service "${n}"; choose from ${ALL_SERVICES.join(', ')}`);
  return names as ServiceName[];
}

async function main() {
  const cluster = await startCluster({ env: process.env, services: parseServices(process.argv.slice(2)) });
  const lines = [
    '',
    'Beamline is running (cluster mode: one process per service)',
    `  Dashboard and API  ${cluster.urls.api}`,
    ...cluster.urls.realtime.map((u, i) => `  Realtime node ${i + 1}    ${u}`),
    ...(cluster.services.has('media-edge') ? [`  RTMP ingest        ${cluster.urls.rtmp}`] : []),
    ...(cluster.services.has('media-edge') ? [`  HLS                ${cluster.urls.hls}`] : []),
    `  Redis              ${cluster.redisUrl}`,
    `  Store              ${cluster.env.MONGODB_URL ? 'MongoDB' : cluster.env.STORE_URL ? 'embedded, shared by this process over loopback' : 'embedded, owned by the control plane'}`,
    `  Status             ${cluster.urls.api}/status`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write('stopping the cluster…\n');
    cluster.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
