// SDK figures: the browser bundle sizes against the bare libraries they wrap, and the server client's
// request rate against a bare fetch loop on the same route of a running all-in-one platform.
//   npx tsx bench/sdk/sdk.ts [requests=80] [rounds=3]
// (An app on the free plan may make 600 API calls a minute; the defaults stay under that.)
import { build } from 'esbuild';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestPlatform } from '@beamline/testkit';
import { Platform } from '../../sdks/js/src/index';
import { createTestApp } from '../../sdks/js/test/integration/helpers';

const SDK = join(import.meta.dirname, '../../sdks/js');

async function gzipped(contents: string, external: string[] = []): Promise<number> {
  const out = await build({
    stdin: { contents, resolveDir: SDK, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    write: false,
  });
  return gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function sizes() {
  const chat = await gzipped(`export * from './src/chat/index.ts';`, ['socket.io-client']);
  const socketIo = await gzipped(`export { io } from 'socket.io-client';`);
  const browser = await gzipped(`export * from './src/browser.ts';`);
  const hls = await gzipped(`export { default } from 'hls.js';`);
  console.log('bundle (minified, gzip -9)            | size');
  console.log(`chat entry without socket.io-client   | ${kb(chat)} (limit 30 KB)`);
  console.log(`baseline: socket.io-client alone      | ${kb(socketIo)}`);
  console.log(`browser entry (chat + player + deps)  | ${kb(browser)}`);
  console.log(`baseline: socket.io-client + hls.js   | ${kb(socketIo + hls)}`);
  console.log(`our code on top of the two libraries  | ${kb(browser - socketIo - hls)}`);
}

async function requests(count: number, rounds: number) {
  const platform = await startTestPlatform({
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    // the plan's API rate per app (Free by default) would cap the calls too
    PLANS_JSON: JSON.stringify({ free: { limits: { apiRequestsPerMinute: 1_000_000 } } }),
  });
  try {
    const app = await createTestApp(platform.urls.api);
    const client = new Platform({
      apiKey: app.apiKey,
      apiSecret: app.apiSecret,
      baseUrl: platform.urls.api,
      appId: app.appId,
    });
    const url = `${platform.urls.api}/v1/apps/${app.appId}`;
    const authorization = `Basic ${Buffer.from(`${app.apiKey}:${app.apiSecret}`).toString('base64')}`;
    const bare = async () => {
      const res = await fetch(url, { headers: { authorization } });
      if (!res.ok) throw new Error(String(res.status));
      await res.json();
    };
    // The two are interleaved call by call, so a change of the machine's load hits both alike.
    const round = async () => {
      let bareMs = 0;
      let oursMs = 0;
      for (let i = 0; i < count; i++) {
        let t = performance.now();
        await bare();
        bareMs += performance.now() - t;
        t = performance.now();
        await client.apps.retrieve();
        oursMs += performance.now() - t;
      }
      return { base: (count * 1000) / bareMs, ours: (count * 1000) / oursMs };
    };
    for (let i = 0; i < 20; i++) await Promise.all([bare(), client.apps.retrieve()]); // warm up
    console.log(
      `\n${count} + ${count} GET /v1/apps/{appId}, interleaved | bare fetch | Platform.apps.retrieve() | ratio`,
    );
    const ratios: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      const { base, ours } = await round();
      ratios.push(ours / base);
      console.log(
        `round ${r} | ${base.toFixed(0)} req/s | ${ours.toFixed(0)} req/s | ${((ours / base) * 100).toFixed(1)}%`,
      );
    }
    ratios.sort((a, b) => a - b);
    console.log(`median ratio: ${(ratios[Math.floor(ratios.length / 2)]! * 100).toFixed(1)}%`);
  } finally {
    await platform.close();
  }
}

const [count = '80', rounds = '3'] = process.argv.slice(2);
await sizes();
await requests(Number(count), Number(rounds));
