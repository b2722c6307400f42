// Webhook endpoints of an app: where events go, which ones, and the secret that signs them.
import { checkDestination, DestinationRefused, type DestinationPolicy, type SecretBox } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import type { ControlPlaneConfig } from '../config';
import type { AppCtx } from '../context';
import { Invalid, NotFound } from '../errors';
import { paginate } from '../http/pagination';
import { webhookCollections, type WebhookEndpointDoc } from './store';

export interface PublicWebhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const publicWebhook = (w: WebhookEndpointDoc): PublicWebhook => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description ?? null,
  enabled: w.enabled,
  disabledAt: w.disabledAt ?? null,
  disabledReason: w.disabledReason ?? null,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export function destinationPolicy(config: ControlPlaneConfig): DestinationPolicy {
  return { httpsOnly: config.NODE_ENV === 'production', allowedHosts: config.WEBHOOK_ALLOWED_HOSTS };
}

export function subscribes(endpoint: Pick<WebhookEndpointDoc, 'events'>, eventType: string): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(eventType);
}

/** The secrets that sign a delivery now: the current one, and the previous one during its grace period. */
export function signingSecrets(box: Pick<SecretBox, 'open'>, endpoint: WebhookEndpointDoc, now: Date): string[] {
  const secrets = [box.open(endpoint.secretSealed)];
  if (
    endpoint.previousSecretSealed &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > now.toISOString()
  )
    secrets.push(box.open(endpoint.previousSecretSealed));
  return secrets;
}

const newSecret = () => `whsec_${randomToken(32)}`;

async function checkUrl(url: string, policy: DestinationPolicy): Promise<string> {
  try {
    return (await checkDestination(url, policy)).toString();
  } catch (err) {
    if (err instanceof DestinationRefused) throw Invalid(err.code, err.message, { field: 'url' });
    throw err;
  }
}

function normaliseEvents(events: string[]): string[] {
  const unique = [...new Set(events)];
  return unique.includes('*') ? ['*'] : unique;
}

export interface WebhookDeps {
  box: SecretBox;
  policy: DestinationPolicy;
}

export interface CreateWebhookInput {
  url: string;
  events: string[];
  description?: string | undefined;
  enabled?: boolean | undefined;
}

export async function createWebhook(ctx: AppCtx, wd: WebhookDeps, input: CreateWebhookInput) {
  const url = await checkUrl(input.url, wd.policy);
  const secret = newSecret();
  const now = ctx.clock.now().toISOString();
  const doc = await webhookCollections(ctx.store)
    .forApp(ctx.appId)
    .endpoints.insert({
      id: newId('webhook'),
      url,
      events: normaliseEvents(input.events),
      ...(input.description ? { description: input.description } : {}),
      enabled: input.enabled ?? true,
      secretSealed: wd.box.seal(secret),
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    });
  return { ...publicWebhook(doc), secret };
}

export async function findWebhook(ctx: AppCtx, webhookId: string): Promise<WebhookEndpointDoc> {
  const doc = await webhookCollections(ctx.store).forApp(ctx.appId).endpoints.findOne({ id: webhookId });
  if (!doc) throw NotFound('webhook_not_found', `No webhook ${webhookId} in this app.`);
  return doc;
}

export async function getWebhook(ctx: AppCtx, webhookId: string) {
  return publicWebhook(await findWebhook(ctx, webhookId));
}

export async function listWebhooks(ctx: AppCtx, page: { limit: number; cursor?: string | undefined }) {
  const result = await paginate(webhookCollections(ctx.store).forApp(ctx.appId).endpoints, {}, page);
  return { data: result.data.map(publicWebhook), nextCursor: result.nextCursor };
}

export interface UpdateWebhookInput {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

export async function updateWebhook(ctx: AppCtx, wd: WebhookDeps, webhookId: string, input: UpdateWebhookInput) {
  const current = await findWebhook(ctx, webhookId);
  const set: Partial<WebhookEndpointDoc> = { updatedAt: ctx.clock.now().toISOString() };
  const unset: (keyof WebhookEndpointDoc & string)[] = [];
  if (input.url !== undefined) set.url = await checkUrl(input.url, wd.policy);
  if (input.events !== undefined) set.events = normaliseEvents(input.events);
  if (input.description === null) unset.push('description');
  else if (input.description !== undefined) set.description = input.description;
  if (input.enabled !== undefined) {
    set.enabled = input.enabled;
    // Turning an endpoint (back) on gives it a clean slate.
    if (input.enabled && !current.enabled) {
      set.consecutiveFailures = 0;
      unset.push('disabledAt', 'disabledReason');
    }
  }
  const updated = await webhookCollections(ctx.store)
    .forApp(ctx.appId)
    .endpoints.updateOne({ id: webhookId }, { set, unset });
  if (!updated) throw NotFound('webhook_not_found', `No webhook ${webhookId} in this app.`);
  return publicWebhook(updated);
}

/** Deletes the endpoint and its delivery log; deliveries not yet sent are dropped. */
export async function deleteWebhook(ctx: AppCtx, webhookId: string) {
  await findWebhook(ctx, webhookId);
  const coll = webhookCollections(ctx.store).forApp(ctx.appId);
  await coll.endpoints.deleteOne({ id: webhookId });
  await coll.deliveries.deleteMany({ webhookId });
}

/** A new signing secret; the old one keeps signing (as a second v1) for `graceSeconds`. */
export async function rotateWebhookSecret(ctx: AppCtx, wd: WebhookDeps, webhookId: string, graceSeconds: number) {
  const current = await findWebhook(ctx, webhookId);
  const secret = newSecret();
  const now = ctx.clock.now();
  const set: Partial<WebhookEndpointDoc> = { secretSealed: wd.box.seal(secret), updatedAt: now.toISOString() };
  if (graceSeconds > 0) {
    set.previousSecretSealed = current.secretSealed;
    set.previousSecretExpiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
  }
  const updated = await webhookCollections(ctx.store)
    .forApp(ctx.appId)
    .endpoints.updateOne(
      { id: webhookId },
      { set, unset: graceSeconds > 0 ? [] : ['previousSecretSealed', 'previousSecretExpiresAt'] },
    );
  return { ...publicWebhook(updated!), secret };
}
