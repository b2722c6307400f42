// The client side of the realtime benches: many Socket.IO clients in this process, a server child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { signUserToken } from '@beamline/chat';
import type { BenchServerInfo } from './server';

export interface BenchServer {
  info: BenchServerInfo;
  proc: ChildProcess;
  memory(): Promise<{ rss: number; heapUsed: number; external: number }>;
  stop(): Promise<void>;
}

export async function startServer(mode: 'ours' | 'bare', nodes: number, redisUrl?: string): Promise<BenchServer> {
  const file = fileURLToPath(new URL('./server.ts', import.meta.url));
  // GC_TRACE=<dir>: each bench server's --trace-gc lines, in <dir>/<mode>-<nodes>.log
  const gcLog = process.env.GC_TRACE;
  if (gcLog) mkdirSync(gcLog, { recursive: true });
  const proc = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(gcLog ? ['--trace-gc'] : []),
      // PROF=<dir>: CPU profiles of the bench servers, written when they stop
      ...(process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}/${mode}`] : []),
      '--import',
      'tsx',
      file,
      mode,
      String(nodes),
      ...(redisUrl ? [redisUrl] : []),
    ],
    {
      stdio: ['ignore', gcLog ? openSync(`${gcLog}/${mode}-${nodes}.log`, 'w') : 'inherit', 'inherit', 'ipc'],
    },
  );
  const info = await new Promise<BenchServerInfo>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    proc.on('message', (m: { type: string; info?: BenchServerInfo }) => m.type === 'ready' && resolve(m.info!));
  });
  return {
    info,
    proc,
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (m: { type: string; rss: number; heapUsed: number; external: number }) => {
          if (m.type !== 'memory') return;
          proc.off('message', onMessage);
          resolve(m);
        };
        proc.on('message', onMessage);
        proc.send({ type: 'memory' });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(process.env.PROF || process.env.ALLOC_PROF ? 'SIGTERM' : 'SIGKILL');
      }),
  };
}

/** Opens `count` clients spread over the server's nodes, in batches; each joins the one channel or room. */
export async function openClients(
  server: BenchServer,
  mode: 'ours' | 'bare',
  count: number,
  opts: { batch?: number } = {},
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const batch = opts.batch ?? 50;
  for (let start = 0; start < count; start += batch) {
    const group = Array.from({ length: Math.min(batch, count - start) }, async (_, j) => {
      const i = start + j;
      const port = server.info.ports[i % server.info.ports.length]!;
      const auth =
        mode === 'ours'
          ? { token: signUserToken(server.info.secret!, { sub: `user${i}`, app: server.info.key! }, 3600) }
          : {};
      const socket = io(`http://127.0.0.1:${port}`, {
        auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack =
        mode === 'ours'
          ? await socket.timeout(30_000).emitWithAck('channel.join', { channelId: server.info.channelId })
          : await socket.timeout(30_000).emitWithAck('join', 'room');
      if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
      sockets[i] = socket;
    });
    await Promise.all(group);
  }
  return sockets;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
