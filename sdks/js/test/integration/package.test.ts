// `npm pack` makes a package a user can install: it builds, imports under Node's ESM rules and type-checks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { build } from '../../scripts/build';

const PKG = resolve(import.meta.dirname, '../..');
const ROOT_MODULES = join(PKG, '..', '..', 'node_modules');
const WORK = mkdtempSync(join(tmpdir(), 'beamline-sdk-pack-'));

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

it('packs, installs and runs as a standalone ESM package with types', () => {
  const dist = build();
  const out = execFileSync('npm', ['pack', dist, '--pack-destination', WORK, '--json'], { encoding: 'utf8' });
  const [{ filename, files }] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  expect(paths).toEqual(
    expect.arrayContaining(['index.js', 'index.d.ts', 'chat/index.js', 'player/index.js', 'player/live-edge.js']),
  );
  expect(paths).toEqual(expect.arrayContaining(['CHANGELOG.md', 'README.md', 'package.json']));

  const target = join(WORK, 'node_modules', '@beamline', 'sdk');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(WORK, filename), '-C', target, '--strip-components=1']);
  // The package's declared dependencies (and Node's types for tsc), as npm install would place them.
  mkdirSync(join(WORK, 'node_modules', '@types'), { recursive: true });
  for (const dep of ['socket.io-client', 'hls.js', '@types/node']) {
    symlinkSync(join(ROOT_MODULES, dep), join(WORK, 'node_modules', dep));
  }

  writeFileSync(
    join(WORK, 'consumer.mjs'),
    `import { Platform, PlatformError, createUserToken, verifyWebhook } from '@beamline/sdk';
import { ChatClient } from '@beamline/sdk/chat';
import { liveTargetLatency } from '@beamline/sdk/player/live-edge';
const token = createUserToken({ apiKey: 'pk', apiSecret: 'sk' }, 'u1');
const edge = liveTargetLatency({ live: true, averagetargetduration: 0.5, targetduration: 1, holdBack: 0, partHoldBack: 0 }, {});
console.log(JSON.stringify({ platform: typeof Platform, error: typeof PlatformError, chat: typeof ChatClient,
  verify: typeof verifyWebhook, token: token.split('.').length, edge }));`,
  );
  const ran = JSON.parse(execFileSync(process.execPath, [join(WORK, 'consumer.mjs')], { encoding: 'utf8' }));
  expect(ran).toEqual({
    platform: 'function',
    error: 'function',
    chat: 'function',
    verify: 'function',
    token: 3,
    edge: 1,
  });

  // Types resolve for a consumer on Node's own module resolution (the strictest a user may choose).
  writeFileSync(
    join(WORK, 'consumer.ts'),
    `import { Platform, type Stream } from '@beamline/sdk';
import { ChatClient, type ChatMessage } from '@beamline/sdk/chat';
import { attachPlayer, keepNearLiveEdge } from '@beamline/sdk/player';
import { liveTargetLatency } from '@beamline/sdk/player/live-edge';
const p = new Platform({ apiKey: 'k', apiSecret: 's', baseUrl: 'http://localhost:8080' });
export const s: Promise<Stream> = p.streams.create({ name: 'x' });
export const m: ChatMessage | undefined = undefined;
export const c: typeof ChatClient.connect = ChatClient.connect;
export const a: typeof attachPlayer = attachPlayer;
export const k: typeof keepNearLiveEdge = keepNearLiveEdge;
export const l: typeof liveTargetLatency = liveTargetLatency;
`,
  );
  writeFileSync(
    join(WORK, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        lib: ['es2023', 'dom'],
        types: ['node'],
      },
      files: ['consumer.ts'],
    }),
  );
  writeFileSync(join(WORK, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const tsc = join(ROOT_MODULES, '.bin', 'tsc');
  execFileSync(tsc, ['-p', join(WORK, 'tsconfig.json')], { encoding: 'utf8' });
});
