// What a browser downloads to show a route: the entry chunk, the route's lazy chunk, and everything they import
// statically, read from the Vite manifest of the production build and measured gzipped.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

export interface RouteWeight {
  route: string;
  files: string[];
  jsGzipBytes: number;
  cssGzipBytes: number;
}

export function readManifest(dist: string): Manifest {
  return JSON.parse(readFileSync(`${dist}/.vite/manifest.json`, 'utf8')) as Manifest;
}

/** The JS and CSS a route needs before it renders, given the source modules its lazy import loads. */
export function routeWeight(dist: string, manifest: Manifest, route: string, modules: string[]): RouteWeight {
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entry) throw new Error('the manifest has no entry chunk');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    if (!manifest[key]) throw new Error(`${key} is not in the build manifest`);
    seen.add(key);
    for (const dep of manifest[key]!.imports ?? []) visit(dep);
  };
  for (const key of [entry, ...modules]) visit(key);
  const files = [...seen].map((k) => manifest[k]!.file);
  const css = [...new Set([...seen].flatMap((k) => manifest[k]!.css ?? []))];
  const gz = (file: string) => gzipSync(readFileSync(`${dist}/${file}`), { level: 9 }).length;
  return {
    route,
    files,
    jsGzipBytes: files.reduce((sum, f) => sum + gz(f), 0),
    cssGzipBytes: css.reduce((sum, f) => sum + gz(f), 0),
  };
}
