// The internal edge API (/internal/edge/*): only requests signed with the edge secret (core/src/edge-signature.ts),
// each once and within 60 s of its timestamp; not part of the public document.
import {
  createEdgeVerifier,
  EDGE_AUTH_MESSAGES,
  EDGE_SIGNATURE_HEADER,
  edgeSecrets,
  memorySeenNonces,
  redisSeenNonces,
} from '@beamline/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { ControlPlaneDeps } from '../deps';
import { DomainError, Invalid, Unauthorized } from '../errors';
import { ctxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { usageFor } from '../usage';
import { playbackInfo, publishAuth, reportLifecycle, reportStats, reportUsage } from './edge';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const Recording = z.object({
  status: z.enum(['ready', 'failed']),
  durationSeconds: z.number().min(0),
  sizeBytes: z.number().int().min(0),
  renditions: z
    .array(
      z.object({
        name: z.string().max(64),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        bandwidth: z.number().int().optional(),
      }),
    )
    .max(16),
});
const Lifecycle = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), sessionId: id, resumed: z.boolean(), edgeUrl: z.string().max(500) }),
  z.object({ type: z.literal('disconnected'), sessionId: id }),
  z.object({ type: z.literal('ended'), sessionId: id, reason: z.string().max(200), recording: Recording.optional() }),
  z.object({ type: z.literal('error'), sessionId: id, reason: z.string().max(500) }),
  z.object({
    type: z.literal('quality_drop'),
    sessionId: id,
    speed: z.number().optional(),
    reason: z.string().max(200),
  }),
]);
const Stats = z.object({
  sessionId: id,
  ingest: z
    .object({
      videoCodec: z.string().max(32).optional(),
      audioCodec: z.string().max(32).optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      fps: z.number().optional(),
      bitrateKbps: z.number().optional(),
      speed: z.number().optional(),
    })
    .optional(),
  restream: z
    .record(
      z.string().max(64),
      z.object({
        status: z.enum(['connecting', 'active', 'failed', 'stopped']),
        error: z.string().max(500).optional(),
      }),
    )
    .optional(),
});
const Usage = z.object({
  /** With `seq`, the report's idempotency key: a retried report changes nothing. */
  edgeId: id.optional(),
  seq: z.number().int().min(0).optional(),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  streams: z
    .array(
      z.object({
        streamId: id,
        viewers: z.number().int().min(0),
        bytes: z.number().int().min(0),
        viewerSeconds: z.number().min(0).max(1e9).optional(),
        ingestSeconds: z.number().min(0).max(86_400).optional(),
        renditions: z.number().int().min(0).max(32).optional(),
      }),
    )
    .max(10_000),
});

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
  const parsed = id.safeParse(value);
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
  const usage = usageFor(deps);
  app.post('/internal/edge/publish-auth', async (c) => {
    const input = await body(c.req.raw, z.object({ streamKey: z.string().min(1).max(200) }));
    return c.json(await publishAuth(ctxOf(c), input, (ctx, stream) => usage.admitPublish(ctx, stream)), 200);
  });
  app.post('/internal/edge/streams/:streamId/lifecycle', async (c) => {
    await reportLifecycle(ctxOf(c), param(c.req.param('streamId')), await body(c.req.raw, Lifecycle));
    return c.json({ ok: true }, 200);
  });
  app.post('/internal/edge/streams/:streamId/stats', async (c) =>
    c.json(await reportStats(ctxOf(c), param(c.req.param('streamId')), await body(c.req.raw, Stats)), 200),
  );
  app.get('/internal/edge/playback/:playbackId', async (c) =>
    c.json(await playbackInfo(ctxOf(c), deps.secretBox, param(c.req.param('playbackId'))), 200),
  );
  app.post('/internal/edge/usage', async (c) => {
    const report = await body(c.req.raw, Usage);
    // a retried report (same edge and sequence) is acknowledged and changes nothing
    if (await usage.recordEdgeReport(report)) await reportUsage(ctxOf(c), report);
    return c.json({ ok: true }, 200);
  });
  return app;
}
