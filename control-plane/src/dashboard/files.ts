// The built dashboard in memory: every file of dist/ with its type, ETag and (lazily) a gzip copy.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = /^(text\/|application\/(json|manifest)|image\/svg)/;

export interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  /** Under assets/: the name carries a content hash, so it never changes. */
  immutable: boolean;
  gzip(): Buffer | null;
}

export interface DashboardFiles {
  /** Whether a build was found. */
  readonly built: boolean;
  get(path: string): StaticFile | undefined;
  /** index.html, the shell every client-side route starts from. */
  index(): StaticFile | undefined;
}

function fileOf(body: Buffer, name: string, immutable: boolean): StaticFile {
  const type = TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
  let gz: Buffer | null | undefined;
  return {
    body,
    type,
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    immutable,
    gzip: () => {
      if (gz === undefined) gz = COMPRESSIBLE.test(type) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null;
      return gz;
    },
  };
}

export function staticFile(body: Buffer | string, name: string): StaticFile {
  return fileOf(Buffer.from(body), name, false);
}

/** Reads dist/ once at start-up (the files are small and served from memory); `headTags` go into index.html. */
export function loadDashboardFiles(distDir: string, headTags: string[] = []): DashboardFiles {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue; // build metadata (.vite/manifest.json), not for browsers
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = relative(distDir, full).split(sep).join('/');
        files.set(`/${rel}`, fileOf(readFileSync(full), name, rel.startsWith('assets/')));
      }
    }
  };
  if (existsSync(join(distDir, 'index.html'))) walk(distDir);
  const index = files.get('/index.html');
  if (index && headTags.length) {
    const html = index.body.toString('utf8').replace('</head>', `  ${headTags.join('\n    ')}\n  </head>`);
    files.set('/index.html', fileOf(Buffer.from(html), 'index.html', false));
  }
  return {
    built: files.has('/index.html'),
    get: (path) => files.get(path),
    index: () => files.get('/index.html'),
  };
}
