// Compiles each service to one JavaScript file for its image: `<workspace>/dist/main.js`, run with `node`.
// Workspace packages (which export TypeScript sources) are inlined; npm packages stay external and load from the
// root node_modules that `npm ci --omit=dev` installs. Development keeps running the sources through tsx.
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Each service's workspace and its composition root. */
export const SERVICES = {
  'control-plane': 'control-plane/src/main.ts',
  realtime: 'realtime/src/main.ts',
  'media-edge': 'media-edge/src/main.ts',
  'all-in-one': 'all-in-one/src/main.ts',
} as const;
export type Service = keyof typeof SERVICES;

export interface BuiltService {
  service: Service;
  /** Absolute path of the compiled entry point. */
  main: string;
  bytes: number;
  /** npm packages the bundle imports at run time (what the image's node_modules must hold). */
  external: string[];
}

/** Lines put before the bundle: `require` for inlined CommonJS code, and the source-location helper below. */
const BANNER = [
  "import { createRequire as __beamlineCreateRequire } from 'node:module';",
  "import { fileURLToPath as __beamlineFileURLToPath } from 'node:url';",
  'const require = __beamlineCreateRequire(import.meta.url);',
  'const __beamlineSource = (rel) => new URL(rel, import.meta.url);',
].join('\n');

const toPosix = (p: string) => p.split(sep).join('/');

/** `hono/cors` → `hono`, `@scope/pkg/x` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The directory Node's resolution finds for a package from `dir`: the nearest node_modules/<name> above it. */
function packageDir(name: string, dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return null;
  }
}

/** The workspace a source file belongs to: its nearest package.json (null inside node_modules). */
function workspaceOf(file: string): { dir: string; deps: Set<string> } | null {
  if (file.split(sep).includes('node_modules')) return null;
  for (let d = dirname(file); d.startsWith(ROOT); d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
    return { dir: d, deps: new Set(Object.keys(deps)) };
  }
  return null;
}

/**
 * Decides, for every bare import, what the bundle does with it:
 * - a workspace package (`@beamline/*`) is inlined (its exports point at TypeScript sources);
 * - an npm package is left to Node at run time when the importer sees the copy hoisted to the root
 *   node_modules — the one the compiled file finds too — and the importer's package.json declares it,
 *   so a production install of the service's workspaces provides it;
 * - a package the importer finds in a nested node_modules (another version than the hoisted one, e.g.
 *   `control-plane/node_modules/ipaddr.js`) is inlined, since the compiled file would load the hoisted one.
 */
function dependencyPlugin(outdir: string): Plugin {
  const rootModules = join(ROOT, 'node_modules');
  return {
    name: 'beamline-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || isBuiltin(args.path)) return undefined;
        const name = packageName(args.path);
        const workspace = workspaceOf(args.importer);
        if (workspace && !workspace.deps.has(name)) {
          const where = toPosix(relative(ROOT, args.importer));
          const manifest = toPosix(relative(ROOT, join(workspace.dir, 'package.json')));
          return { errors: [{ text: `${where} imports ${name}, which ${manifest} does not list in dependencies` }] };
        }
        if (name.startsWith('@beamline/')) return undefined;
        const hoisted = join(rootModules, name);
        const seen = packageDir(name, dirname(args.importer));
        if (seen === hoisted && packageDir(name, outdir) === hoisted) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}

/**
 * `import.meta.url` (and `.dirname`, `.filename`) keep naming the source file's place in the repository, so a
 * path built from it (the dashboard's dist/ beside the control plane's sources) is the same compiled or not.
 */
function sourceLocationPlugin(outdir: string): Plugin {
  return {
    name: 'beamline-source-location',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.')) return undefined;
        const file = JSON.stringify(toPosix(relative(outdir, args.path)));
        const dir = JSON.stringify(toPosix(relative(outdir, dirname(args.path))) + '/');
        const contents = source
          .replaceAll('import.meta.url', `__beamlineSource(${file}).href`)
          .replaceAll('import.meta.filename', `__beamlineFileURLToPath(__beamlineSource(${file}))`)
          .replaceAll('import.meta.dirname', `__beamlineFileURLToPath(__beamlineSource(${dir})).slice(0, -1)`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

function externalsOf(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const imp of output.imports) if (imp.external && !isBuiltin(imp.path)) names.add(packageName(imp.path));
  return [...names].sort();
}

/** Builds one service into `<workspace>/dist/`. */
export async function buildService(service: Service): Promise<BuiltService> {
  const entry = join(ROOT, SERVICES[service]);
  const outdir = join(ROOT, service, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The images run the current LTS; the development machines and CI still run Node 20.
    target: 'node20',
    // Error classes and logs read constructor and function names.
    keepNames: true,
    sourcemap: 'linked',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    plugins: [dependencyPlugin(outdir), sourceLocationPlugin(outdir)],
  });
  // dist/ is ESM whatever package.json sits above it in the image.
  writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
  const main = join(outdir, 'main.js');
  return { service, main, bytes: readFileSync(main).length, external: externalsOf(result.metafile) };
}

export async function buildServices(services: Service[] = Object.keys(SERVICES) as Service[]): Promise<BuiltService[]> {
  return Promise.all(services.map(buildService));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((s) => !(s in SERVICES));
  if (unknown.length) {
    console.error(`unknown service ${unknown.join(', ')}; one of ${Object.keys(SERVICES).join(', ')}`);
    process.exit(1);
  }
  const started = Date.now();
  const built = await buildServices(asked.length ? (asked as Service[]) : undefined);
  for (const b of built)
    console.log(
      `built ${toPosix(relative(ROOT, b.main))} (${Math.round(b.bytes / 1024)} KB, ${b.external.length} npm packages external)`,
    );
  console.log(`in ${Date.now() - started} ms`);
}
