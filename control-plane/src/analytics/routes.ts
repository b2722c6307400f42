// HTTP transport of analytics: overview, timelines (app and stream), top streams, export as JSON or CSV.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFound } from '../errors';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, ok } from '../http/route';
import { AppIdParams, idParam } from '../http/schemas';
import { streamRepos } from '../streams/repo';
import type { AppCtx } from '../context';
import { RESOLUTIONS } from './buckets';
import { overview, RANGES, timeline, timelineCsv, topStreams, type Range } from './queries';

const tags = ['Analytics'];
const RangeParam = z
  .enum(Object.keys(RANGES) as [Range, ...Range[]])
  .default('24h')
  .openapi({ param: { name: 'range', in: 'query' }, description: '24h, 7d, 30d or 90d back from now' });
const ResolutionParam = z
  .enum(RESOLUTIONS)
  .optional()
  .openapi({
    param: { name: 'resolution', in: 'query' },
    description: 'Bucket size; default minute for 24h, hour for 7d, day beyond',
  });

const Point = z
  .object({
    start: z.string(),
    viewers: z.number().openapi({ description: 'Peak concurrent viewers in the bucket' }),
    watchMinutes: z.number(),
    bytesServed: z.number(),
    ingestMinutes: z.number(),
    messages: z.number(),
    reactions: z.number(),
    chatJoins: z.number(),
    apiCalls: z.number(),
    api2xx: z.number(),
    api4xx: z.number(),
    api5xx: z.number(),
  })
  .openapi('AnalyticsPoint');
const Timeline = z
  .object({
    range: z.string(),
    resolution: z.enum(RESOLUTIONS),
    from: z.string(),
    to: z.string(),
    streamId: z.string().nullable(),
    points: z.array(Point).openapi({ description: 'Buckets with data, oldest first; empty buckets are left out' }),
  })
  .openapi('AnalyticsTimeline');
const Overview = z
  .object({
    range: z.string(),
    from: z.string(),
    to: z.string(),
    liveNow: z.number(),
    viewersNow: z.number(),
    peakViewers: z.number(),
    watchMinutes: z.number(),
    bytesServed: z.number(),
    ingestMinutes: z.number(),
    messages: z.number(),
    reactions: z.number(),
    chatJoins: z.number(),
    apiCalls: z.number(),
  })
  .openapi('AnalyticsOverview');
const TopStreams = z
  .object({
    range: z.string(),
    data: z.array(
      z.object({
        streamId: z.string(),
        name: z.string().nullable(),
        watchMinutes: z.number(),
        peakViewers: z.number(),
        bytesServed: z.number(),
        ingestMinutes: z.number(),
      }),
    ),
  })
  .openapi('AnalyticsTopStreams');

async function streamOf(ctx: AppCtx, streamId: string) {
  const stream = await streamRepos(ctx.store).forApp(ctx.appId).streams.findOne({ id: streamId });
  if (!stream) throw NotFound('stream_not_found', `No stream ${streamId} in this app.`);
  return stream;
}

export function analyticsRoutes() {
  const app = new OpenAPIHono<HttpEnv>();
  app.openapi(
    appRoute('analytics.read', {
      method: 'get',
      path: '/v1/apps/{appId}/analytics/overview',
      operationId: 'getAnalyticsOverview',
      summary: 'Live now, viewers now, peak, watch minutes, bandwidth and chat over a range',
      tags,
      request: { params: AppIdParams, query: z.object({ range: RangeParam }) },
      responses: { 200: ok('The overview', Overview) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      return c.json(await overview(ctx.store, ctx.appId, c.req.valid('query').range, ctx.clock.now()), 200);
    },
  );
  app.openapi(
    appRoute('analytics.read', {
      method: 'get',
      path: '/v1/apps/{appId}/analytics/timeline',
      operationId: 'getAnalyticsTimeline',
      summary: "The app's figures over time",
      tags,
      request: { params: AppIdParams, query: z.object({ range: RangeParam, resolution: ResolutionParam }) },
      responses: { 200: ok('Buckets of the range', Timeline) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      return c.json(await timeline(ctx.store, ctx.appId, c.req.valid('query'), ctx.clock.now()), 200);
    },
  );
  app.openapi(
    appRoute('analytics.read', {
      method: 'get',
      path: '/v1/apps/{appId}/analytics/streams/{streamId}/timeline',
      operationId: 'getStreamAnalyticsTimeline',
      summary: "One stream's viewers, watch minutes, bandwidth and ingest over time",
      tags,
      request: {
        params: AppIdParams.extend({ streamId: idParam('streamId', 'str') }),
        query: z.object({ range: RangeParam, resolution: ResolutionParam }),
      },
      responses: { 200: ok('Buckets of the range', Timeline) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const stream = await streamOf(ctx, c.req.valid('param').streamId);
      const q = { ...c.req.valid('query'), streamId: stream.id };
      return c.json(await timeline(ctx.store, ctx.appId, q, ctx.clock.now()), 200);
    },
  );
  app.openapi(
    appRoute('analytics.read', {
      method: 'get',
      path: '/v1/apps/{appId}/analytics/top-streams',
      operationId: 'getTopStreams',
      summary: 'Streams with the most watch minutes over a range',
      tags,
      request: {
        params: AppIdParams,
        query: z.object({
          range: RangeParam,
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(100)
            .default(10)
            .openapi({ param: { name: 'limit', in: 'query' } }),
        }),
      },
      responses: { 200: ok('Streams, most watched first', TopStreams) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const q = c.req.valid('query');
      return c.json(await topStreams(ctx.store, ctx.appId, q.range, q.limit, ctx.clock.now()), 200);
    },
  );
  app.openapi(
    appRoute('analytics.read', {
      method: 'get',
      path: '/v1/apps/{appId}/analytics/export',
      operationId: 'exportAnalytics',
      summary: 'A timeline (app or one stream) as a JSON or CSV download',
      tags,
      request: {
        params: AppIdParams,
        query: z.object({
          range: RangeParam,
          resolution: ResolutionParam,
          streamId: idParam('streamId', 'str')
            .optional()
            .openapi({ param: { name: 'streamId', in: 'query' } }),
          format: z
            .enum(['json', 'csv'])
            .default('json')
            .openapi({ param: { name: 'format', in: 'query' } }),
        }),
      },
      responses: {
        200: {
          description: 'The timeline as a file',
          content: { 'application/json': { schema: Timeline }, 'text/csv': { schema: z.string() } },
        },
      },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const q = c.req.valid('query');
      if (q.streamId) await streamOf(ctx, q.streamId);
      const data = await timeline(ctx.store, ctx.appId, q, ctx.clock.now());
      const name = `analytics-${ctx.appId}${q.streamId ? `-${q.streamId}` : ''}-${q.range}`;
      if (q.format === 'csv')
        return new Response(timelineCsv(data.points), {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${name}.csv"`,
          },
        });
      return c.json(data, 200, { 'content-disposition': `attachment; filename="${name}.json"` });
    },
  );
  return app;
}
