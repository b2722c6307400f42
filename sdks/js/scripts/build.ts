// Builds the publishable package into dist/: ESM JavaScript and .d.ts types, a package.json whose
// exports point at them, README and CHANGELOG. `npm pack ./dist` then makes the tarball users install.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const PKG_DIR = resolve(import.meta.dirname, '..');
const DIST = join(PKG_DIR, 'dist');

/** Node's ESM loader needs full specifiers: './x' becomes './x.js', './dir' becomes './dir/index.js'. */
function addExtensions(file: string) {
  const source = readFileSync(file, 'utf8');
  const fixed = source.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_m, lead, q, spec: string) => {
    if (/\.(m?js|json)$/.test(spec)) return `${lead}${q}${spec}${q}`;
    const base = resolve(dirname(file), spec);
    const target = existsSync(base) && statSync(base).isDirectory() ? `${spec}/index.js` : `${spec}.js`;
    return `${lead}${q}${target}${q}`;
  });
  if (fixed !== source) writeFileSync(file, fixed);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function build(): string {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = join(PKG_DIR, '..', '..', 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', join(PKG_DIR, 'tsconfig.build.json')], { stdio: 'inherit' });
  for (const file of walk(DIST)) if (/\.(js|d\.ts)$/.test(file)) addExtensions(file);

  const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
  const entry = (name: string) => ({ types: `./${name}.d.ts`, import: `./${name}.js` });
  const published = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: 'module',
    sideEffects: false,
    main: './index.js',
    types: './index.d.ts',
    exports: {
      '.': entry('index'),
      './server': entry('index'),
      './chat': entry('chat/index'),
      './player': entry('player/index'),
      './player/live-edge': entry('player/live-edge'),
      './browser': entry('browser'),
      ...(existsSync(join(DIST, 'webhooks.js')) ? { './webhooks': entry('webhooks') } : {}),
      './package.json': './package.json',
    },
    engines: pkg.engines,
    dependencies: pkg.dependencies,
  };
  writeFileSync(join(DIST, 'package.json'), JSON.stringify(published, null, 2) + '\n');
  for (const doc of ['README.md', 'CHANGELOG.md']) {
    if (existsSync(join(PKG_DIR, doc))) copyFileSync(join(PKG_DIR, doc), join(DIST, doc));
  }
  return DIST;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`built ${build()}`);
}
