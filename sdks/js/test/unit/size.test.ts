// The browser chat entry stays small: bundled and minified without socket.io-client, under 30 KB gzipped.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { expect, it } from 'vitest';

export async function chatBundleSize(): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, '../../src/chat/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['socket.io-client'],
    write: false,
  });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

it('keeps the browser chat entry under 30 KB gzipped (socket.io-client excluded)', async () => {
  const size = await chatBundleSize();
  console.log(`chat entry: ${size.raw} bytes minified, ${size.gzip} bytes gzipped (without socket.io-client)`);
  expect(size.gzip).toBeLessThan(30 * 1024);
  expect(size.gzip).toBeGreaterThan(1000); // the bundle really contains the client
});
