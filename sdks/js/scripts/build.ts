// Builds the publishable package into dist/: tsup (tsup.config.ts) writes ESM JavaScript and .d.ts types per
// entry point; this adds a package.json whose exports point at them, README and CHANGELOG.
// `npm pack ./dist` then makes the tarball users install.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { entryName } from '../tsup.config';

const PKG_DIR = resolve(import.meta.dirname, '..');
const DIST = join(PKG_DIR, 'dist');

interface SourcePackage {
  name: string;
  version: string;
  description: string;
  license: string;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  /** Export path → TypeScript source, as the workspace resolves it. */
  exports: Record<string, string>;
}

/** The published manifest: the same export paths as the workspace's, each pointing at its built file and types. */
export function publishedManifest(pkg: SourcePackage): Record<string, unknown> {
  const exports = Object.fromEntries(
    Object.entries(pkg.exports).map(([path, source]) => {
      const name = entryName(source);
      return [path, { types: `./${name}.d.ts`, import: `./${name}.js` }];
    }),
  );
  const main = entryName(pkg.exports['.']!);
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: 'module',
    sideEffects: false,
    main: `./${main}.js`,
    types: `./${main}.d.ts`,
    exports: { ...exports, './package.json': './package.json' },
    engines: pkg.engines,
    dependencies: pkg.dependencies,
  };
}

export function build(): string {
  // tsup's own command line, so `npx tsup` in sdks/js and this build are the same thing.
  const tsup = join(PKG_DIR, '..', '..', 'node_modules', '.bin', 'tsup');
  execFileSync(tsup, ['--config', join(PKG_DIR, 'tsup.config.ts'), '--silent'], { cwd: PKG_DIR, stdio: 'inherit' });

  const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as SourcePackage;
  writeFileSync(join(DIST, 'package.json'), JSON.stringify(publishedManifest(pkg), null, 2) + '\n');
  for (const doc of ['README.md', 'CHANGELOG.md']) {
    if (existsSync(join(PKG_DIR, doc))) copyFileSync(join(PKG_DIR, doc), join(DIST, doc));
  }
  return DIST;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`built ${build()}`);
}
