// Starts the real all-in-one platform for a test: free loopback ports, a fresh DATA_DIR, no seeded ids.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { startPlatform, type RunningPlatform } from '@beamline/all-in-one';

export interface TestPlatform extends RunningPlatform {
  env: Record<string, string>;
  dataDir: string;
  /** Stops the platform and removes its data. */
  close(): Promise<void>;
}

export async function testEnv(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const dir = tempDir();
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PUBLIC_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    SEED_DEMO: 'false',
    DATA_DIR: dir.path,
    PORT: String(await freePort()),
    REALTIME_PORT: String(await freePort()),
    RTMP_PORT: String(await freePort()),
    HLS_PORT: String(await freePort()),
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost',
    ...overrides,
  };
}

export async function startTestPlatform(overrides: Record<string, string> = {}): Promise<TestPlatform> {
  const env = await testEnv(overrides);
  const platform = await startPlatform(env);
  return {
    ...platform,
    env,
    dataDir: env.DATA_DIR!,
    close: async () => {
      await platform.stop();
      rmSync(env.DATA_DIR!, { recursive: true, force: true });
    },
  };
}

export interface PlatformProcess {
  proc: ChildProcess;
  env: Record<string, string>;
  api: string;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `npm start`'s entry point as a child process (for kill -9 and restart tests); `nodeArgs` go before the
 * entry (e.g. --cpu-prof).
 */
export async function spawnPlatform(env: Record<string, string>, nodeArgs: string[] = []): Promise<PlatformProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'all-in-one/src/main.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info', LOG_PRETTY: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const api = `http://127.0.0.1:${env.PORT}`;
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`platform exited early:\n${out}`);
      return out.includes('"event":"ready"');
    },
    { timeoutMs: 30_000, what: 'the platform to be ready' },
  );
  return {
    proc,
    env,
    api,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}
