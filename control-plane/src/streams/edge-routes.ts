// The internal edge API (/internal/edge/*): only requests signed with the edge secret (core/src/edge-signature.ts),
// each once and within 60 s of its timestamp; not part of the public document. The bodies are protocol's edge
// schemas, the ones the edge's client sends and reads.
import {
  createEdgeVerifier,
  EDGE_AUTH_MESSAGES,
  EDGE_SIGNATURE_HEADER,
  edgeSecrets,
  memorySeenNonces,
  redisSeenNonces,
} from '@beamline/core';
import {
  AcceptedUsageReport,
  EdgeApiId,
  LifecycleReport,
  PublishAuthRequest,
  StatsReport,
} from '@beamline/protocol/edge';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { ControlPlaneDeps } from '../deps';
import { DomainError, Invalid, Unauthorized } from '../errors';
import { ctxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { playbackInfo, publishAuth, reportLifecycle, reportStats, reportUsage } from './edge';

async function body<T extends z.ZodType>(raw: Request, schema: T): Promise<z.infer<T>> {
  let value: unknown;
  try {
    value = await raw.json();
  } catch {
    throw Invalid('bad_request', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw Invalid(
      'validation_failed',
      'Some fields are missing, of the wrong type, or not allowed.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

function param(value: string | undefined): string {
  const parsed = EdgeApiId.safeParse(value);
  if (!parsed.success) throw Invalid('validation_failed', 'The id in the path is not valid.');
  return parsed.data;
}

const MAX_EDGE_BODY_BYTES = 8 * 1024 * 1024;

export function edgeRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const verify = createEdgeVerifier({
    secrets: edgeSecrets(deps.config),
    // the window is wall-clock time shared with the edges, not the (injectable) business clock;
    // on a cluster every node sees the nonces any of them accepted
    seen: deps.redis ? redisSeenNonces(deps.redis) : memorySeenNonces(),
    onFailure: (reason) => deps.metrics?.edgeAuthFailures.inc({ reason }),
  });
  // the largest report (10,000 streams of usage) is far below this; nothing larger is read before the signature check
  app.use(
    '/internal/edge/*',
    bodyLimit({
      maxSize: MAX_EDGE_BODY_BYTES,
      onError: () => {
        throw new DomainError('invalid', 'payload_too_large', 'The request body is too large.');
      },
    }),
  );
  app.use('/internal/edge/*', async (c, next) => {
    const url = new URL(c.req.url);
    const header = c.req.header(EDGE_SIGNATURE_HEADER);
    const bodyless = !header || c.req.method === 'GET' || c.req.method === 'HEAD';
    // a copy: the route reads the body itself; an unsigned request is refused without reading it
    const body = bodyless ? null : new Uint8Array(await c.req.raw.clone().arrayBuffer());
    const failure = await verify({ method: c.req.method, path: `${url.pathname}${url.search}`, body, header });
    if (failure) throw Unauthorized(failure, EDGE_AUTH_MESSAGES[failure]);
    c.set('actor', { type: 'edge' });
    await next();
  });
  const { usage } = deps;
  app.post('/internal/edge/publish-auth', async (c) => {
    const input = await body(c.req.raw, PublishAuthRequest);
    return c.json(await publishAuth(ctxOf(c), input, (ctx, stream) => usage.admitPublish(ctx, stream)), 200);
  });
  app.post('/internal/edge/streams/:streamId/lifecycle', async (c) => {
    await reportLifecycle(ctxOf(c), param(c.req.param('streamId')), await body(c.req.raw, LifecycleReport));
    return c.json({ ok: true }, 200);
  });
  app.post('/internal/edge/streams/:streamId/stats', async (c) =>
    c.json(await reportStats(ctxOf(c), param(c.req.param('streamId')), await body(c.req.raw, StatsReport)), 200),
  );
  app.get('/internal/edge/playback/:playbackId', async (c) =>
    c.json(await playbackInfo(ctxOf(c), deps.secretBox, param(c.req.param('playbackId'))), 200),
  );
  app.post('/internal/edge/usage', async (c) => {
    const report = await body(c.req.raw, AcceptedUsageReport);
    // a retried report (same edge and sequence) is acknowledged and changes nothing
    if (await usage.recordEdgeReport(report)) await reportUsage(ctxOf(c), report);
    return c.json({ ok: true }, 200);
  });
  return app;
}
