// Serves the built dashboard on the API's origin: files from dist/, the SPA shell for client routes,
// and under an app's verified custom domain only its branded player page.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { fileURLToPath } from 'node:url';
import type { ControlPlaneDeps } from '../deps';
import type { HttpEnv } from '../http/env';
import { loadDashboardFiles, staticFile, type DashboardFiles, type StaticFile } from './files';

/** What the branding feature tells the page server about a request. */
export interface PageBranding {
  /** The app whose verified custom domain this Host is, if any. */
  appForHost(host: string): Promise<string | null>;
  /** The app that owns a playback id, for branding its player page. */
  appForPlayback(playbackId: string): Promise<string | null>;
  /** Tags added to <head> of a player page of this app (stylesheet, favicon, title). */
  headTags(appId: string): Promise<string>;
}

export interface DashboardOptions {
  distDir?: string;
  branding?: PageBranding;
}

/** Paths the API answers itself; a miss there stays the API's JSON 404. */
const API_PREFIXES = ['/v1/', '/internal/'];
const PLAYER_PATH = /^\/(watch|embed)\/([A-Za-z0-9_-]{1,64})\/?$/;
const DEFAULT_DIST = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

const NOT_BUILT = staticFile(
  `<!doctype html><meta charset="utf-8"><title>Beamline</title>
<p style="font:16px system-ui;margin:3rem auto;max-width:36rem">The dashboard is not built yet.
Run <code>npm run build --workspace dashboard</code> (or <code>./platform start</code>) and reload.
The API is at <a href="/v1">/v1</a>, its reference at <a href="/docs">/docs</a>.</p>`,
  'index.html',
);

function send(c: Context<HttpEnv>, file: StaticFile, status = 200): Response {
  const headers = new Headers({
    'content-type': file.type,
    etag: file.etag,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    vary: 'accept-encoding',
  });
  if (c.req.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers });
  const gz = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') ? file.gzip() : null;
  if (gz) headers.set('content-encoding', 'gzip');
  const body = gz ?? file.body;
  headers.set('content-length', String(body.length));
  // A view over the cached bytes, not a copy: assets are served from memory on every request.
  const view = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
  return new Response(c.req.method === 'HEAD' ? null : view, { status, headers });
}

/** Escapes a value for a double-quoted HTML attribute. */
export const attr = (s: string) => s.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);

function withHead(file: StaticFile, tags: string): StaticFile {
  if (!tags) return file;
  return staticFile(file.body.toString('utf8').replace('</head>', `${tags}\n  </head>`), 'index.html');
}

export function dashboardRoutes(deps: ControlPlaneDeps, opts: DashboardOptions = {}) {
  // The page learns where realtime lives from the shell itself: no extra round trip before connecting.
  const files: DashboardFiles = loadDashboardFiles(opts.distDir ?? DEFAULT_DIST, [
    `<meta name="beamline-realtime-url" content="${attr(deps.config.REALTIME_PUBLIC_URL)}" />`,
  ]);
  if (!files.built) deps.log.warn('the dashboard is not built; run `npm run build --workspace dashboard`');
  const ownHost = new URL(deps.config.PUBLIC_BASE_URL).hostname.toLowerCase();
  const app = new OpenAPIHono<HttpEnv>();

  const page = async (c: Context<HttpEnv>, customApp: string | null): Promise<Response | null> => {
    const path = c.req.path;
    const asset = files.get(path);
    if (asset && path !== '/index.html') return send(c, asset);
    if (/\.[a-z0-9]+$/i.test(path)) return null; // a missing file is a 404, not the app shell
    const index = files.index();
    if (!index) return customApp ? null : send(c, NOT_BUILT, 503);
    const player = PLAYER_PATH.exec(path);
    if (customApp && !player) return null; // a custom domain serves the player page only
    if (!player || !opts.branding) return send(c, index);
    const owner = await opts.branding.appForPlayback(player[2]!);
    if (customApp && owner !== customApp) return null; // another app's stream is not shown on this domain
    return send(c, owner ? withHead(index, await opts.branding.headTags(owner)) : index);
  };

  // Runs after every other route: only what nothing else answered falls through to the dashboard.
  app.get('*', async (c, next) => {
    await next();
    if (c.res.status !== 404 || API_PREFIXES.some((p) => c.req.path.startsWith(p))) return;
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '').toLowerCase();
    let customApp: string | null = null;
    if (host && host !== ownHost && opts.branding) customApp = await opts.branding.appForHost(host);
    try {
      const res = await page(c, customApp);
      if (res) c.res = res;
    } catch (err) {
      c.get('log').error({ err, path: c.req.path }, 'dashboard page failed');
    }
  });
  return app;
}
