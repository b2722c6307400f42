// The delivery log of an endpoint: list and inspect attempts, send again, send a test event.
import type { DestinationPolicy, SecretBox } from '@beamline/core';
import { newId, type EventEnvelope } from '@beamline/protocol';
import type { AppCtx } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { paginate } from '../http/pagination';
import { deliveryAfterFirstAttempt, judgeAttempt } from './attempt';
import { findWebhook, signingSecrets } from './endpoints';
import { createSender } from './sender';
import { webhookCollections, type DeliveryDoc, type DeliveryStatus } from './store';

export function publicDelivery(d: DeliveryDoc) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    test: d.test ?? false,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.status === 'pending' ? d.availableAt : null,
    lastStatus: d.lastStatus ?? null,
    lastError: d.lastError ?? null,
    attempts: d.attempts,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    completedAt: d.completedAt ?? null,
  };
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
  eventId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

function timeRange(from?: string, to?: string) {
  return from || to ? { createdAt: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } } : {};
}

export async function listDeliveries(ctx: AppCtx, webhookId: string, f: DeliveryFilter) {
  await findWebhook(ctx, webhookId);
  const filter: Record<string, unknown> = { webhookId, ...timeRange(f.from, f.to) };
  if (f.status) filter.status = f.status;
  if (f.eventType) filter.eventType = f.eventType;
  if (f.eventId) filter.eventId = f.eventId;
  const page = await paginate(webhookCollections(ctx.store).forApp(ctx.appId).deliveries, filter, f);
  return { data: page.data.map(publicDelivery), nextCursor: page.nextCursor };
}

async function findDelivery(ctx: AppCtx, webhookId: string, deliveryId: string) {
  const d = await webhookCollections(ctx.store).forApp(ctx.appId).deliveries.findOne({ id: deliveryId, webhookId });
  if (!d) throw NotFound('delivery_not_found', `No delivery ${deliveryId} for webhook ${webhookId}.`);
  return d;
}

export async function getDelivery(ctx: AppCtx, webhookId: string, deliveryId: string) {
  const d = await findDelivery(ctx, webhookId, deliveryId);
  return { ...publicDelivery(d), event: JSON.parse(d.payload) as unknown };
}

/** Fields that put a finished delivery back in the queue with a fresh retry schedule. */
const requeue = (now: string) => ({
  set: { status: 'pending' as const, roundAttempts: 0, availableAt: now, updatedAt: now },
  unset: ['completedAt' as const, 'claim' as const],
});

export async function redeliver(ctx: AppCtx, webhookId: string, deliveryId: string) {
  await findWebhook(ctx, webhookId);
  const d = await findDelivery(ctx, webhookId, deliveryId);
  if (d.status === 'pending') throw Conflict('delivery_pending', 'This delivery is still queued or being sent.');
  const now = ctx.clock.now().toISOString();
  const updated = await webhookCollections(ctx.store)
    .forApp(ctx.appId)
    .deliveries.updateOne({ id: deliveryId, webhookId, status: { $ne: 'pending' } }, requeue(now));
  if (!updated) throw Conflict('delivery_pending', 'This delivery is still queued or being sent.');
  return publicDelivery(updated);
}

/** Queues again every failed delivery of the endpoint created in [from, to). */
export async function redeliverFailed(ctx: AppCtx, webhookId: string, range: { from: string; to: string }) {
  await findWebhook(ctx, webhookId);
  if (range.from >= range.to) throw Invalid('invalid_time_range', '`from` must be before `to`.');
  const now = ctx.clock.now().toISOString();
  const count = await webhookCollections(ctx.store)
    .forApp(ctx.appId)
    .deliveries.updateMany({ webhookId, status: 'failed', ...timeRange(range.from, range.to) }, requeue(now));
  return { redelivered: count };
}

/** Sends a signed `webhook.test` event to the endpoint now, once, and logs it as a test delivery. */
export async function sendTestEvent(
  ctx: AppCtx,
  wd: { box: SecretBox; policy: DestinationPolicy; timeoutMs: number },
  webhookId: string,
) {
  const endpoint = await findWebhook(ctx, webhookId);
  const now = ctx.clock.now();
  const event: EventEnvelope<'webhook.test'> = {
    id: newId('event'),
    type: 'webhook.test',
    appId: ctx.appId,
    createdAt: now.toISOString(),
    data: { webhookId, message: 'A test event from Beamline.' },
  };
  const payload = JSON.stringify(event);
  const sender = createSender({ policy: wd.policy, timeoutMs: wd.timeoutMs, now: () => ctx.clock.now() });
  let result;
  try {
    result = await sender.send({
      url: endpoint.url,
      eventId: event.id,
      payload,
      secrets: signingSecrets(wd.box, endpoint, now),
    });
  } finally {
    await sender.close();
  }
  // A test is sent once: with an empty schedule the verdict is succeeded or failed, never retry.
  const verdict = judgeAttempt(result, 1, []);
  const first = { event, webhookId, id: newId('delivery'), payload };
  const doc = { ...deliveryAfterFirstAttempt(first, now.toISOString(), result, verdict, ctx.clock.now()), test: true };
  await webhookCollections(ctx.store).forApp(ctx.appId).deliveries.insert(doc);
  return {
    ok: verdict.outcome === 'succeeded',
    status: result.status,
    latencyMs: result.latencyMs,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    deliveryId: doc.id,
    eventId: event.id,
  };
}
