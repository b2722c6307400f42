// ffmpeg as a publisher (a generated picture and tone over RTMP, like OBS) and ffprobe's view of what came out.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * True once something on this machine listens on the TCP port, read from the kernel's socket table: a probe
 * connection would be taken by a server that accepts only one (ffmpeg's `-listen 1`).
 */
export function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((table) => {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      return false;
    }
    // columns: sl local_address rem_address st …; st 0A is LISTEN
    return text.split('\n').some((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return state === '0A' && local?.endsWith(`:${hex}`);
    });
  });
}
