// The real platform in-process with a developer's app, as the media edge's tests (and others that publish) use it.
import { waitFor } from '@beamline/core/testing';
import { newDeveloperApp, type DeveloperApp } from './api';
import { startTestPlatform, type TestPlatform } from './platform';

export interface EdgeTest {
  platform: TestPlatform;
  api: string;
  hls: string;
  rtmp: string;
  mediaDir: string;
  /** Calls the REST API under the app with its API key. */
  call: DeveloperApp['call'];
  appId: string;
  apiKey: { key: string; secret: string };
  /** A second developer with an app of their own (tenant isolation checks). */
  otherApp(): Promise<{ appId: string; apiKey: { key: string; secret: string }; call: EdgeTest['call'] }>;
  close(): Promise<void>;
}

export async function startEdgeTest(env: Record<string, string> = {}): Promise<EdgeTest> {
  const platform = await startTestPlatform({ STATS_INTERVAL_MS: '500', MIN_FREE_DISK_MB: '0', ...env });
  const api = `http://127.0.0.1:${platform.env.PORT}`;
  const newApp = async () => {
    const dev = await newDeveloperApp(api, { appName: 'Edge test app' });
    return { appId: dev.appId, apiKey: { key: dev.key, secret: dev.secret }, call: dev.call };
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

export async function waitForStatus(t: Pick<EdgeTest, 'call'>, streamId: string, status: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const res = await t.call('GET', `/streams/${streamId}`);
      return res.body.status === status ? res.body : null;
    },
    { timeoutMs, intervalMs: 100, what: `stream ${streamId} to be ${status}` },
  );
}
