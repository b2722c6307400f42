// The package build (tsup.config.ts + scripts/build.ts) covers every export of package.json: one built file and
// one .d.ts per entry point, the published manifest pointing at them, the runtime dependencies left as imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { publishedManifest } from '../../scripts/build';
import { entries, entryName, options } from '../../tsup.config';

const PKG = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));

it('builds one entry point per source file that package.json exports', () => {
  const sources = new Set(Object.values(pkg.exports as Record<string, string>));
  expect(Object.keys(entries).length).toBe(sources.size);
  for (const source of sources) expect(entries[entryName(source)]).toBe(join(PKG, source));
  expect(entryName('./src/player/live-edge.ts')).toBe('player/live-edge');
});

it('emits ESM with types and leaves socket.io-client, hls.js and Node built-ins to the user install', () => {
  const { format, dts, external, removeNodeProtocol } = options;
  expect(format).toEqual(['esm']);
  expect(dts).toBe(true);
  expect(removeNodeProtocol).toBe(false);
  for (const dep of Object.keys(pkg.dependencies)) expect(external).toContain(dep);
  expect(external.some((e) => e instanceof RegExp && e.test('node:crypto'))).toBe(true);
});

it('publishes the same export paths, each with its built file and types', () => {
  const manifest = publishedManifest(pkg) as { exports: Record<string, unknown>; main: string; types: string };
  expect(Object.keys(manifest.exports).sort()).toEqual([...Object.keys(pkg.exports), './package.json'].sort());
  expect(manifest.exports['./chat']).toEqual({ types: './chat/index.d.ts', import: './chat/index.js' });
  expect(manifest.exports['./server']).toEqual(manifest.exports['.']);
  expect(manifest).toMatchObject({ main: './index.js', types: './index.d.ts', type: 'module', sideEffects: false });
  expect(manifest).toMatchObject({ name: pkg.name, version: pkg.version, dependencies: pkg.dependencies });
});
