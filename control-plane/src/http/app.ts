// Builds the control plane's HTTP application: middleware, every route module, the OpenAPI document.
import { randomUUID } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { appRoutes } from '../apps/routes';
import { auditCall } from '../audit/routes';
import type { ControlPlaneDeps } from '../deps';
import { DomainError, Invalid, RateLimited } from '../errors';
import { featureModules } from '../modules';
import { apiCors } from '../security/cors';
import { FixedHeaders, fillIn, writeAhead } from '../security/headers';
import { createRepos } from '../repos';
import { createRateLimit } from '@beamline/core';
import { authenticate } from './auth';
import { clientAddress } from './client-address';
import type { HttpEnv } from './env';
import { errorBody, handleError } from './errors';
import { routeOf } from '../ops/metrics';

export const MAX_BODY_BYTES = 1024 * 1024;
const tooLarge = () => new DomainError('invalid', 'payload_too_large', 'The request body is larger than 1 MB.');

/** A feature that adds routes (and tenant collections to wipe on app deletion) to the control plane. */
export interface RouteModule {
  routes: OpenAPIHono<HttpEnv>;
  tenantCollections?: readonly string[];
}

export interface ControlPlaneHttp {
  app: OpenAPIHono<HttpEnv>;
  openApiDocument(): ReturnType<OpenAPIHono['getOpenAPI31Document']>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

async function discardBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } catch {
    // the client went away; nothing to answer
  } finally {
    reader.releaseLock();
  }
}

export function buildHttpApp(deps: ControlPlaneDeps, extraModules: RouteModule[] = []): ControlPlaneHttp {
  const { access } = deps;
  const repos = createRepos(deps.store);
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw Invalid(
          'validation_failed',
          'Some fields are missing, of the wrong type, or not allowed.',
          result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
        );
      }
    },
  });
  const perKey = createRateLimit({
    name: 'api-key',
    points: deps.config.RATE_LIMIT_API_KEY_PER_MINUTE,
    durationSeconds: 60,
    redis: deps.redis,
  });
  const perIp = createRateLimit({
    name: 'ip',
    points: deps.config.RATE_LIMIT_IP_PER_MINUTE,
    durationSeconds: 60,
    redis: deps.redis,
  });

  // Hardening headers: embeddable player pages are meant to be framed on customers' sites, nothing else is.
  let fixed: FixedHeaders | undefined;
  const fixedReady = FixedHeaders.create().then((f) => (fixed = f));
  const { metrics } = deps;
  // Every request: its id, address and logger, the fixed headers, its latency metric and a debug line.
  app.use('*', async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : `req_${randomUUID().replaceAll('-', '')}`;
    // app.request() (in-process calls) has no socket to ask.
    const peer = (c.env as { incoming?: unknown } | undefined)?.incoming ? getConnInfo(c).remote.address : undefined;
    const ip = clientAddress(peer, c.req.header('x-forwarded-for'), deps.config.TRUST_PROXY);
    const log = deps.log.child({ requestId });
    c.set('deps', deps);
    c.set('repos', repos);
    c.set('sessions', access.sessions);
    c.set('access', access);
    c.set('requestId', requestId);
    c.set('ip', ip);
    c.set('log', log);
    const headers = (fixed ?? (await fixedReady)).for(c.req.path);
    const ahead = writeAhead(c.env, headers, requestId);
    await next();
    if (!ahead) fillIn(c.res.headers, headers, requestId);
    const ms = performance.now() - started;
    metrics?.observeHttp(c.req.method, routeOf(c), c.res.status, ms);
    log.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: +ms.toFixed(2) }, 'request');
  });

  const cors = apiCors(deps);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  const { usage } = deps;
  const operationIds = new Map<string, string>();
  // The API's gate, in order: CORS, body size, the per-address limit, credentials, the per-key limits; then,
  // once the route has answered, the call is counted (analytics and the api_calls meter) and audited.
  app.use('/v1/*', async (c, next) => {
    const preflight = await cors(c);
    if (preflight) return preflight;
    // A declared size over the limit is refused after reading (and dropping) what the client
    // sends, so that it receives the 413 instead of a reset connection.
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) {
      await discardBody(c.req.raw.body, 16 * MAX_BODY_BYTES);
      throw tooLarge();
    }
    const ipWait = await perIp.consume(c.get('ip'));
    if (ipWait) throw new RateLimited(ipWait, 'Too many requests from this address.');
    const actor = await authenticate(c);
    try {
      if (actor?.type === 'apiKey') {
        const wait = (await perKey.consume(actor.keyId)) ?? (await usage.apiRateWait(actor.appId));
        if (wait) throw new RateLimited(wait, 'Too many requests for this API key, or over the plan’s API rate.');
      }
      // Reading a GET's body would make the server build a full web Request for nothing.
      if (c.req.method === 'GET' || c.req.method === 'HEAD') await next();
      else await limitBody(c, next);
    } catch (err) {
      c.res = handleError(err, c);
    }
    const appId = actor?.type === 'apiKey' ? actor.appId : c.get('app')?.id;
    if (appId) usage.countApiCall(appId, actor?.type === 'apiKey' ? actor.keyId : 'dashboard', c.res.status);
    await auditCall(c, operationIds);
  });

  const modules: RouteModule[] = [
    { routes: appRoutes(deps, () => tenantCollections) },
    ...featureModules(deps),
    ...extraModules,
  ];
  const tenantCollections = [...new Set(modules.flatMap((m) => m.tenantCollections ?? []))];
  for (const m of modules) app.route('/', m.routes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A developer access token from /v1/auth/login or /v1/auth/refresh.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'http',
    scheme: 'basic',
    description: "Server to server: base64(apiKey:apiSecret). Reaches only that key's app.",
  });
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Beamline API',
      version: '1.0.0',
      description:
        'Live video and chat for your product. Errors share one body: {"error": {"code", "message", "details", "requestId"}}.',
    },
    servers: [{ url: deps.config.PUBLIC_BASE_URL }],
  };
  const openApiDocument = () => app.getOpenAPI31Document(documentConfig);
  for (const [path, item] of Object.entries(openApiDocument().paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, { operationId?: string }>)) {
      if (op?.operationId)
        operationIds.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op.operationId);
    }
  }
  let cachedDocument: unknown;
  app.get('/openapi.json', (c) => c.json((cachedDocument ??= openApiDocument())));
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Beamline API reference' }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.ping();
      return c.json({ status: 'ready', store: deps.store.kind });
    } catch (err) {
      c.get('log').warn({ err }, 'store not reachable');
      return c.json(errorBody(c, 'unavailable', 'The store is not reachable.'), 503);
    }
  });

  app.notFound((c) => c.json(errorBody(c, 'not_found', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError(handleError);
  return { app, openApiDocument };
}

export type { Hono };
