// The published package: one ESM file and one .d.ts per entry point of package.json's exports, shared code in
// chunks, the runtime dependencies and Node built-ins left as imports. `npm run build -w sdks/js` runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8')) as {
  exports: Record<string, string>;
  dependencies: Record<string, string>;
};

/** `./src/chat/index.ts` → `chat/index`: the built file keeps the source's place, as the published exports name it. */
export const entryName = (source: string) => source.replace(/^\.\/src\//, '').replace(/\.ts$/, '');

/** Every source file an export points at, once (`.` and `./server` are the same file). */
export const entries = Object.fromEntries(
  Object.values(pkg.exports).map((source) => [entryName(source), join(import.meta.dirname, source)]),
);

export const options = {
  entry: entries,
  outDir: join(import.meta.dirname, 'dist'),
  tsconfig: join(import.meta.dirname, 'tsconfig.build.json'),
  format: ['esm'],
  outExtension: () => ({ js: '.js' }),
  dts: true,
  // The same files run in browsers (chat, player) and on servers (REST client, tokens, webhooks).
  platform: 'neutral',
  target: 'es2022',
  external: [...Object.keys(pkg.dependencies), /^node:/],
  // Keeps `node:crypto` as written, which tells a browser bundler at once that the server entry is not for it.
  removeNodeProtocol: false,
  splitting: true,
  clean: true,
} satisfies Options;

export default defineConfig(options);
