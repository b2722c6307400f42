// HTTP transport of usage and billing: plans, an app's usage against its limits, plan changes, invoices.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { actorId } from '../context';
import type { ControlPlaneDeps } from '../deps';
import { Invalid, NotFound } from '../errors';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, developerRoute, json, ok } from '../http/route';
import { AppIdParams, idParam } from '../http/schemas';
import { invoiceHtml } from './invoice-html';
import { draftInvoice, invoices, PERIOD } from './invoices';
import { inUnits, METER_NAMES, METERS, monthOf, readMeters, type MeterName } from './meters';
import { PLAN_NAMES, PlanSchema, type PlanLimits } from './plans';
import { liveSlots } from './quotas';

const tags = ['Usage and billing'];

const PlanOut = PlanSchema.openapi('Plan');
const InvoiceLine = z.object({
  meter: z.enum(METER_NAMES as [MeterName, ...MeterName[]]).nullable(),
  description: z.string(),
  quantity: z.number(),
  unit: z.string(),
  included: z.number(),
  billableQuantity: z.number(),
  unitPriceCents: z.number(),
  amountCents: z.number().int(),
});
const Invoice = z
  .object({
    id: z.string(),
    appId: z.string(),
    period: z.string(),
    plan: z.enum(PLAN_NAMES),
    currency: z.string(),
    status: z.enum(['draft', 'issued']),
    lines: z.array(InvoiceLine),
    subtotalCents: z.number().int(),
    totalCents: z.number().int().openapi({ description: 'The sum of the lines' }),
    issuedAt: z.string().nullable(),
    external: z.object({ provider: z.string(), invoiceId: z.string(), syncedAt: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('Invoice');
const Usage = z
  .object({
    period: z.string(),
    plan: z.enum(PLAN_NAMES),
    meters: z.array(
      z.object({
        meter: z.enum(METER_NAMES as [MeterName, ...MeterName[]]),
        unit: z.string(),
        value: z.number(),
        limit: z.number().nullable(),
        percent: z.number().nullable(),
      }),
    ),
    concurrentStreams: z.object({ used: z.number(), limit: z.number() }),
  })
  .openapi('Usage');
const AppPlan = z
  .object({ plan: PlanOut, changedBy: z.string().nullable(), changedAt: z.string().nullable() })
  .openapi('AppPlan');
const PeriodParam = z
  .string()
  .regex(PERIOD, 'a month as YYYY-MM')
  .optional()
  .openapi({ param: { name: 'period', in: 'query' }, description: 'YYYY-MM; default the running month' });

const METER_LIMIT: Partial<Record<MeterName, keyof PlanLimits>> = {
  viewer_minutes: 'viewerMinutesPerMonth',
  chat_mau: 'chatMau',
};

const publicInvoice = <T extends { issuedAt?: string; external?: unknown }>(i: T) => ({
  ...i,
  issuedAt: i.issuedAt ?? null,
  external: (i.external as { provider: string; invoiceId: string; syncedAt: string } | undefined) ?? null,
});

export function usageRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const { usage } = deps;
  const plans = usage.plans;

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/plans',
      operationId: 'listPlans',
      summary: 'The plans this platform offers, with limits and prices',
      tags,
      responses: { 200: ok('Plans', z.object({ data: z.array(PlanOut) })) },
    }),
    async (c) => c.json({ data: PLAN_NAMES.map((n) => plans.catalog[n]) }, 200),
  );

  app.openapi(
    appRoute('usage.read', {
      method: 'get',
      path: '/v1/apps/{appId}/usage',
      operationId: 'getUsage',
      summary: "The app's meters for a month against its plan's limits",
      tags,
      request: { params: AppIdParams, query: z.object({ period: PeriodParam }) },
      responses: { 200: ok('Usage', Usage) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const now = ctx.clock.now();
      const period = c.req.valid('query').period ?? monthOf(now);
      const [plan, values, live] = await Promise.all([
        plans.planOf(ctx.appId),
        readMeters(ctx.store, ctx.appId, period),
        liveSlots(ctx.store, ctx.appId, now),
      ]);
      const meters = METER_NAMES.map((meter) => {
        const value = inUnits(meter, values[meter]);
        const field = METER_LIMIT[meter];
        const limit = field ? (plan.limits[field] as number | null) : null;
        return {
          meter,
          unit: METERS[meter].unit,
          value,
          limit,
          percent: limit ? Math.round((value / limit) * 10_000) / 100 : null,
        };
      });
      return c.json(
        { period, plan: plan.name, meters, concurrentStreams: { used: live, limit: plan.limits.concurrentStreams } },
        200,
      );
    },
  );

  const planOut = async (appId: string) => {
    const doc = await plans.doc(appId);
    const plan = plans.catalog[doc?.plan ?? plans.defaultPlan];
    return { plan, changedBy: doc?.changedBy ?? null, changedAt: doc?.changedAt ?? null };
  };
  app.openapi(
    appRoute('usage.read', {
      method: 'get',
      path: '/v1/apps/{appId}/plan',
      operationId: 'getAppPlan',
      summary: "The app's plan and its limits",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The plan', AppPlan) },
    }),
    async (c) => c.json(await planOut(appCtxOf(c).appId), 200),
  );
  app.openapi(
    appRoute('billing.write', {
      method: 'put',
      path: '/v1/apps/{appId}/plan',
      operationId: 'changeAppPlan',
      summary: "Changes the app's plan (owners and admins); limits apply within seconds",
      tags,
      request: { params: AppIdParams, body: json(z.strictObject({ plan: z.enum(PLAN_NAMES) })) },
      responses: { 200: ok('The plan now', AppPlan) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      await plans.setPlan(ctx.appId, c.req.valid('json').plan, actorId(ctx.actor), ctx.clock.now());
      c.set('auditTarget', ctx.appId);
      return c.json(await planOut(ctx.appId), 200);
    },
  );

  app.openapi(
    appRoute('billing.read', {
      method: 'get',
      path: '/v1/apps/{appId}/invoices',
      operationId: 'listInvoices',
      summary: 'Issued invoices, newest period first',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Invoices', z.object({ data: z.array(Invoice), nextCursor: z.null() })) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const list = await invoices(ctx.store, ctx.appId).find({}, { sort: { period: -1 }, limit: 120 });
      return c.json({ data: list.map(publicInvoice), nextCursor: null }, 200);
    },
  );
  app.openapi(
    appRoute('billing.read', {
      method: 'get',
      path: '/v1/apps/{appId}/invoices/upcoming',
      operationId: 'getUpcomingInvoice',
      summary: 'The draft invoice of the running month (or of `period`), from the meters so far',
      tags,
      request: { params: AppIdParams, query: z.object({ period: PeriodParam }) },
      responses: { 200: ok('A draft invoice', Invoice) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const period = c.req.valid('query').period ?? monthOf(ctx.clock.now());
      const draft = await draftInvoice(ctx.store, ctx.appId, period, await plans.planOf(ctx.appId), ctx.clock.now());
      return c.json(publicInvoice(draft), 200);
    },
  );
  app.openapi(
    appRoute('billing.write', {
      method: 'post',
      path: '/v1/apps/{appId}/invoices',
      operationId: 'issueInvoice',
      summary: 'Issues the invoice of a closed month now (the platform also does so after each month ends)',
      tags,
      request: {
        params: AppIdParams,
        body: json(z.strictObject({ period: z.string().regex(PERIOD, 'a month as YYYY-MM') })),
      },
      responses: { 200: ok('The invoice, issued before', Invoice), 201: ok('The invoice, issued now', Invoice) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { period } = c.req.valid('json');
      if (period >= monthOf(ctx.clock.now()))
        throw Invalid('period_not_closed', 'Only a month that has ended can be invoiced; see invoices/upcoming.');
      const { invoice, created } = await usage.issue(ctx.appId, period);
      c.set('auditTarget', invoice.id);
      return created ? c.json(publicInvoice(invoice), 201) : c.json(publicInvoice(invoice), 200);
    },
  );

  const InvoiceParams = AppIdParams.extend({ invoiceId: idParam('invoiceId', 'ivc') });
  const findInvoice = async (appId: string, invoiceId: string, store = deps.store) => {
    const invoice = await invoices(store, appId).findOne({ id: invoiceId });
    if (!invoice) throw NotFound('invoice_not_found', `No invoice ${invoiceId} in this app.`);
    return invoice;
  };
  app.openapi(
    appRoute('billing.read', {
      method: 'get',
      path: '/v1/apps/{appId}/invoices/{invoiceId}',
      operationId: 'getInvoice',
      summary: 'One invoice as JSON',
      tags,
      request: { params: InvoiceParams },
      responses: { 200: ok('The invoice', Invoice) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      return c.json(publicInvoice(await findInvoice(ctx.appId, c.req.valid('param').invoiceId)), 200);
    },
  );
  app.openapi(
    appRoute('billing.read', {
      method: 'get',
      path: '/v1/apps/{appId}/invoices/{invoiceId}/html',
      operationId: 'getInvoiceHtml',
      summary: 'One invoice as a printable page (print to PDF from the browser)',
      tags,
      request: { params: InvoiceParams },
      responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const invoice = await findInvoice(ctx.appId, c.req.valid('param').invoiceId);
      return new Response(invoiceHtml(invoice, c.get('app')?.name ?? ctx.appId), {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'content-disposition': `inline; filename="${invoice.id}.html"`,
        },
      });
    },
  );
  return app;
}
