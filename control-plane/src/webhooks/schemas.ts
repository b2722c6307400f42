// Request and response schemas of the webhook routes (they also write the OpenAPI document).
import { EVENT_TYPES } from '@beamline/protocol';
import { z } from '@hono/zod-openapi';
import { AppIdParams, idParam, PageQuery } from '../http/schemas';

const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'webhook.test');

export const EventSelection = z
  .array(z.enum(['*', ...WEBHOOK_EVENT_TYPES]))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length + 1)
  .openapi({ description: 'Event types to receive, or ["*"] for all of them.', example: ['stream.live'] });

const Url = z.string().max(2048).openapi({
  description:
    'Where events are POSTed. https in production; loopback, private and link-local destinations are refused unless the operator allows them.',
  example: 'https://example.com/hooks/beamline',
});

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledAt: z.string().nullable(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: 'Why the platform turned the endpoint off after repeated failures.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret, shown on create and rotate only.' }),
}).openapi('WebhookWithSecret');

export const CreateWebhookBody = z.strictObject({
  url: Url,
  events: EventSelection,
  description: z.string().trim().max(500).optional(),
  enabled: z.boolean().optional(),
});

export const UpdateWebhookBody = z.strictObject({
  url: Url.optional(),
  events: EventSelection.optional(),
  description: z.string().trim().max(500).nullable().optional(),
  enabled: z.boolean().optional().openapi({ description: 'true also clears an automatic disable.' }),
});

export const RotateBody = z.strictObject({
  gracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional()
    .openapi({ description: 'How long the old secret also signs deliveries (default 0: it stops at once).' }),
});

const AttemptSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  status: z.number().int().nullable().openapi({ description: 'HTTP status; null when no answer came.' }),
  latencyMs: z.number().int(),
  responseExcerpt: z.string().openapi({ description: 'The first 1 KB of the answer body.' }),
  error: z.string().nullable(),
  outcome: z.enum(['succeeded', 'retry', 'failed']),
});

export const DeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string().openapi({ description: 'Sent as Webhook-Id; the same on every attempt.' }),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    test: z.boolean(),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    attempts: z.array(AttemptSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

export const DeliveryWithEventSchema = DeliverySchema.extend({
  event: z.unknown().openapi({ description: 'The event envelope sent as the body.' }),
}).openapi('WebhookDeliveryWithEvent');

export const TestResultSchema = z
  .object({
    ok: z.boolean(),
    status: z.number().int().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    responseExcerpt: z.string(),
    deliveryId: z.string(),
    eventId: z.string(),
  })
  .openapi('WebhookTestResult');

/** ISO 8601 with any offset, compared as UTC. */
const isoDate = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

export const DeliveryQuery = PageQuery.extend({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  eventType: z.string().max(100).optional(),
  eventId: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const RedeliverRangeBody = z.strictObject({ from: isoDate, to: isoDate });

export const WebhookParams = AppIdParams.extend({ webhookId: idParam('webhookId', 'whk') });
export const DeliveryParams = WebhookParams.extend({ deliveryId: idParam('deliveryId', 'dlv') });
