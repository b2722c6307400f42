// Shared by the media benches: wrk runs, nginx serving a directory, process CPU from /proc, medians.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Requests per second wrk reaches on `url` (2 threads, `connections` connections); never blocks the event loop. */
export async function wrk(url: string, seconds: number, connections = 50): Promise<number> {
  const out = await new Promise<string>((resolve, reject) => {
    const proc = spawn('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', url]);
    let text = '';
    proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (text += d.toString()));
    proc.once('error', reject);
    proc.once('exit', () => resolve(text));
  });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  if (!rps) throw new Error(`wrk printed no rate:\n${out}`);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error responses on ${url}`);
  return Number(rps[1]);
}

/** nginx serving `root` at `/` on `port`, sendfile on, `workers` worker processes. */
export async function startNginx(dir: string, root: string, port: number, workers: number | 'auto') {
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location ~ \\.ts$ { add_header Cache-Control "public, max-age=31536000, immutable"; add_header Access-Control-Allow-Origin *; }
    location ~ \\.m3u8$ { add_header Cache-Control no-cache; add_header Access-Control-Allow-Origin *; }
  }
}
`,
  );
  const proc = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  if (proc.exitCode !== null) throw new Error('nginx did not start');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGQUIT');
      }),
  };
}

/**
 * CPU seconds of a live process from /proc: its own threads, and the children it has waited for (every
 * ffmpeg it ran and that exited), or null once it is gone.
 */
export function processTimes(pid: number): { own: number; children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number) => Number(fields[i]) + Number(fields[i + 1]);
    return { own: ticks(11) / 100, children: ticks(13) / 100 };
  } catch {
    return null;
  }
}

export function ffmpegAlone(port: number, args: { input: string[]; outputs: { target: string; args: string[] }[] }) {
  return spawn('ffmpeg', ffmpegAloneArgs(port, args), { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ffmpegAloneArgs(port: number, args: { input: string[]; outputs: { target: string; args: string[] }[] }) {
  return [
    ...args.input,
    '-listen',
    '1',
    '-i',
    `rtmp://127.0.0.1:${port}/live/bench`,
    ...args.outputs.flatMap((o) => [...o.args, o.target]),
  ];
}

/**
 * ffmpeg alone, run by a shell that reports its exact CPU seconds when it exits (the `times` builtin: user and
 * system time of the shell's finished children), so no sampling misses its last moments.
 */
export function ffmpegAloneTimed(
  port: number,
  args: { input: string[]; outputs: { target: string; args: string[] }[] },
): { stderr: NodeJS.ReadableStream; cpu: Promise<number> } {
  const proc = spawn('bash', ['-c', 'ffmpeg "$@"; times >&3', 'bash', ...ffmpegAloneArgs(port, args)], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let times = '';
  (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (times += d.toString()));
  const cpu = new Promise<number>((resolve, reject) => {
    proc.once('exit', () => {
      // line 2 of `times`: "<user>m<s>s <sys>m<s>s" of the children
      const line = times.trim().split('\n')[1] ?? '';
      const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (parts.length !== 2) reject(new Error(`no CPU times from the baseline shell: ${JSON.stringify(times)}`));
      else resolve(parts[0]! + parts[1]!);
    });
  });
  return { stderr: proc.stderr!, cpu };
}

/** Whether every variant playlist under `dir` lists a segment. */
export function everyVariantHasSegment(dir: string, names: string[]): boolean {
  return names.every((name) => {
    try {
      return readFileSync(join(dir, name, 'index.m3u8'), 'utf8').includes('#EXTINF');
    } catch {
      return false;
    }
  });
}

/** The media edge in its own process (cluster mode), beside a test platform's control plane. */
export async function spawnEdge(opts: { api: string; dataDir: string; mediaDir: string }) {
  const { freePort, waitFor } = await import('@beamline/core/testing');
  const secrets = JSON.parse(readFileSync(`${opts.dataDir}/secrets.json`, 'utf8')) as { EDGE_SECRET: string };
  const hlsPort = await freePort();
  const rtmpPort = await freePort();
  // PROF=<dir> writes a CPU profile of the edge process when it exits
  const prof = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', 'media-edge/src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      RTMP_PORT: String(rtmpPort),
      HLS_PORT: String(hlsPort),
      MEDIA_DIR: opts.mediaDir,
      CONTROL_PLANE_URL: opts.api,
      EDGE_SECRET: secrets.EDGE_SECRET,
      LIVE_FILES_GRACE_SECONDS: '0',
      // wrk sends tens of thousands of requests a second from one address: the per-address limit would cut it
      HLS_REQUESTS_PER_IP_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
    },
    stdio: 'inherit',
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${hlsPort}/healthz`).catch(() => null))?.ok, {
    timeoutMs: 30_000,
    what: 'the edge process',
  });
  return {
    pid: proc.pid!,
    hls: `http://127.0.0.1:${hlsPort}`,
    rtmp: `rtmp://127.0.0.1:${rtmpPort}/live`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
