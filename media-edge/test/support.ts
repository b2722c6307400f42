// Test support for the media edge: the real platform in-process, an app with an API key, ffmpeg publishers, ffprobe.
import { waitFor } from '@beamline/core/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestPlatform, type TestPlatform } from '../../all-in-one/test/harness';

// Response bodies are read loosely in tests; assertions check their shape.

type Json = any;

export interface EdgeTest {
  platform: TestPlatform;
  api: string;
  hls: string;
  rtmp: string;
  mediaDir: string;
  /** Calls the REST API with the app's API key. */
  call<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  appId: string;
  apiKey: { key: string; secret: string };
  /** A second developer with an app of their own (tenant isolation checks). */
  otherApp(): Promise<{ appId: string; apiKey: { key: string; secret: string }; call: EdgeTest['call'] }>;
  close(): Promise<void>;
}

export async function startEdgeTest(env: Record<string, string> = {}): Promise<EdgeTest> {
  const platform = await startTestPlatform({ STATS_INTERVAL_MS: '500', MIN_FREE_DISK_MB: '0', ...env });
  const api = `http://127.0.0.1:${platform.env.PORT}`;
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Json;
  };
  const newApp = async () => {
    const dev = await post('/v1/auth/register', {
      email: `dev-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'a long enough password',
      name: 'Dev',
    });
    const created = await post('/v1/apps', { name: 'Edge test app' }, dev.accessToken);
    const apiKey = { key: created.apiKey.key as string, secret: created.apiKey.secret as string };
    const basic = `Basic ${Buffer.from(`${apiKey.key}:${apiKey.secret}`).toString('base64')}`;
    const call: EdgeTest['call'] = async (method, path, body) => {
      const res = await fetch(`${api}/v1/apps/${created.app.id}${path}`, {
        method,
        headers: { authorization: basic, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    return { appId: created.app.id as string, apiKey, call };
  };
  const first = await newApp();
  return {
    platform,
    api,
    hls: `http://127.0.0.1:${platform.env.HLS_PORT}`,
    rtmp: `rtmp://127.0.0.1:${platform.env.RTMP_PORT}/live`,
    mediaDir: `${platform.dataDir}/media`,
    appId: first.appId,
    apiKey: first.apiKey,
    call: first.call,
    otherApp: newApp,
    close: () => platform.close(),
  };
}

/** A transcoding profile of one 144p rung in 1 s segments: quick to encode, quick to go live. */
export async function oneRungProfile(call: EdgeTest['call']): Promise<{ id: string }> {
  const res = await call('POST', '/transcoding-profiles', {
    name: 'One rung',
    renditions: [{ height: 144, videoBitrateKbps: 150 }],
    passthrough: false,
    segmentSeconds: 1,
    preset: 'ultrafast',
  });
  return res.body;
}

export interface Publisher {
  proc: ChildProcess;
  /** When ffmpeg had connected and published (its output was opened). */
  opened: Promise<number>;
  exited: Promise<{ code: number | null; at: number; stderr: string }>;
  stop(): Promise<void>;
}

/**
 * Publishes a generated test picture and tone over RTMP in real time, like OBS would; with `realtime: false`,
 * as fast as it encodes (to write the same stream to a file).
 */
export function publish(
  url: string,
  opts: { seconds: number; size?: string; fps?: number; realtime?: boolean } = { seconds: 5 },
): Publisher {
  const fps = opts.fps ?? 30;
  const proc = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'info',
      '-nostats',
      ...(opts.realtime === false ? [] : ['-re']),
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${opts.size ?? '640x360'}:rate=${fps}`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(opts.seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      String(fps),
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let resolveOpened!: (at: number) => void;
  const opened = new Promise<number>((r) => (resolveOpened = r));
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('Output #0')) resolveOpened(Date.now());
  });
  const exited = new Promise<{ code: number | null; at: number; stderr: string }>((resolve) =>
    proc.once('exit', (code) => resolve({ code, at: Date.now(), stderr })),
  );
  return {
    proc,
    opened,
    exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      await exited;
    },
  };
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

/** ffprobe's view of a URL or file: its streams, or throws with ffprobe's message. */
export function ffprobe(
  input: string,
  extra: string[] = [],
): Promise<{ streams: ProbedStream[]; format?: { duration?: string } }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      ...extra,
      input,
    ]);
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`ffprobe ${input} failed (${code}): ${err}`));
    });
  });
}

export async function waitForStatus(t: Pick<EdgeTest, 'call'>, streamId: string, status: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const res = await t.call('GET', `/streams/${streamId}`);
      return res.body.status === status ? res.body : null;
    },
    { timeoutMs, intervalMs: 100, what: `stream ${streamId} to be ${status}` },
  );
}

/** The first URI line of a playlist. */
export function firstUri(playlist: string): string {
  const line = playlist.split('\n').find((l) => l && !l.startsWith('#'));
  if (!line) throw new Error(`no URI in playlist:\n${playlist}`);
  return line.trim();
}

export async function text(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), headers: res.headers };
}
