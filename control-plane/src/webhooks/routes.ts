// HTTP transport of webhooks: endpoints, their secrets, test events, the delivery log and redelivery.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, PageQuery, page } from '../http/schemas';
import { getDelivery, listDeliveries, redeliver, redeliverFailed, sendTestEvent } from './deliveries';
import {
  createWebhook,
  deleteWebhook,
  destinationPolicy,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './endpoints';
import {
  CreateWebhookBody,
  DeliveryParams,
  DeliveryQuery,
  DeliverySchema,
  DeliveryWithEventSchema,
  RedeliverRangeBody,
  RotateBody,
  TestResultSchema,
  UpdateWebhookBody,
  WebhookParams,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './schemas';

const tags = ['Webhooks'];
const base = '/v1/apps/{appId}/webhooks';

export function webhookRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const wd = { box: deps.secretBox, policy: destinationPolicy(deps.config), timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS };

  app.openapi(
    appRoute('webhooks.write', {
      method: 'post',
      path: base,
      operationId: 'createWebhook',
      summary: 'Register an endpoint; its signing secret is returned once',
      tags,
      request: { params: AppIdParams, body: json(CreateWebhookBody) },
      responses: { 201: ok('The endpoint with its secret', WebhookWithSecretSchema) },
    }),
    async (c) => {
      const created = await createWebhook(appCtxOf(c), wd, c.req.valid('json'));
      c.set('auditTarget', created.id);
      return c.json(created, 201);
    },
  );

  app.openapi(
    appRoute('webhooks.read', {
      method: 'get',
      path: base,
      operationId: 'listWebhooks',
      summary: 'List endpoints, newest first',
      tags,
      request: { params: AppIdParams, query: PageQuery },
      responses: { 200: ok('Endpoints', page(WebhookSchema)) },
    }),
    async (c) => c.json(await listWebhooks(appCtxOf(c), c.req.valid('query')), 200),
  );

  app.openapi(
    appRoute('webhooks.read', {
      method: 'get',
      path: `${base}/{webhookId}`,
      operationId: 'getWebhook',
      summary: 'Get an endpoint',
      tags,
      request: { params: WebhookParams },
      responses: { 200: ok('The endpoint', WebhookSchema) },
    }),
    async (c) => c.json(await getWebhook(appCtxOf(c), c.req.valid('param').webhookId), 200),
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'patch',
      path: `${base}/{webhookId}`,
      operationId: 'updateWebhook',
      summary: 'Change the URL, events, description, or turn an endpoint on or off',
      tags,
      request: { params: WebhookParams, body: json(UpdateWebhookBody) },
      responses: { 200: ok('The endpoint', WebhookSchema) },
    }),
    async (c) => c.json(await updateWebhook(appCtxOf(c), wd, c.req.valid('param').webhookId, c.req.valid('json')), 200),
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'delete',
      path: `${base}/{webhookId}`,
      operationId: 'deleteWebhook',
      summary: 'Delete an endpoint and its delivery log',
      tags,
      request: { params: WebhookParams },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      await deleteWebhook(appCtxOf(c), c.req.valid('param').webhookId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'post',
      path: `${base}/{webhookId}/rotate-secret`,
      operationId: 'rotateWebhookSecret',
      summary: 'Give an endpoint a new signing secret',
      tags,
      request: { params: WebhookParams, body: { ...json(RotateBody), required: false } },
      responses: { 200: ok('The endpoint with its new secret', WebhookWithSecretSchema) },
    }),
    async (c) => {
      const grace = c.req.valid('json')?.gracePeriodSeconds ?? 0;
      return c.json(await rotateWebhookSecret(appCtxOf(c), wd, c.req.valid('param').webhookId, grace), 200);
    },
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'post',
      path: `${base}/{webhookId}/test`,
      operationId: 'testWebhook',
      summary: "Send a signed webhook.test event now and report the receiver's answer",
      tags,
      request: { params: WebhookParams },
      responses: { 200: ok('What the receiver answered', TestResultSchema) },
    }),
    async (c) => c.json(await sendTestEvent(appCtxOf(c), wd, c.req.valid('param').webhookId), 200),
  );

  app.openapi(
    appRoute('webhooks.read', {
      method: 'get',
      path: `${base}/{webhookId}/deliveries`,
      operationId: 'listWebhookDeliveries',
      summary: 'The delivery log of an endpoint, newest first, with every attempt',
      tags,
      request: { params: WebhookParams, query: DeliveryQuery },
      responses: { 200: ok('Deliveries', page(DeliverySchema)) },
    }),
    async (c) => c.json(await listDeliveries(appCtxOf(c), c.req.valid('param').webhookId, c.req.valid('query')), 200),
  );

  app.openapi(
    appRoute('webhooks.read', {
      method: 'get',
      path: `${base}/{webhookId}/deliveries/{deliveryId}`,
      operationId: 'getWebhookDelivery',
      summary: 'One delivery with its attempts and the event it carries',
      tags,
      request: { params: DeliveryParams },
      responses: { 200: ok('The delivery', DeliveryWithEventSchema) },
    }),
    async (c) => {
      const { webhookId, deliveryId } = c.req.valid('param');
      return c.json(await getDelivery(appCtxOf(c), webhookId, deliveryId), 200);
    },
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'post',
      path: `${base}/{webhookId}/deliveries/{deliveryId}/redeliver`,
      operationId: 'redeliverWebhookDelivery',
      summary: 'Queue a finished delivery again, with a fresh retry schedule',
      tags,
      request: { params: DeliveryParams },
      responses: { 202: ok('The queued delivery', DeliverySchema) },
    }),
    async (c) => {
      const { webhookId, deliveryId } = c.req.valid('param');
      return c.json(await redeliver(appCtxOf(c), webhookId, deliveryId), 202);
    },
  );

  app.openapi(
    appRoute('webhooks.write', {
      method: 'post',
      path: `${base}/{webhookId}/redeliver`,
      operationId: 'redeliverFailedWebhookDeliveries',
      summary: 'Queue again every failed delivery created in [from, to)',
      tags,
      request: { params: WebhookParams, body: json(RedeliverRangeBody) },
      responses: { 202: ok('How many were queued', z.object({ redelivered: z.number().int() })) },
    }),
    async (c) => c.json(await redeliverFailed(appCtxOf(c), c.req.valid('param').webhookId, c.req.valid('json')), 202),
  );

  return app;
}
