// One end user of an app ("right to be forgotten"): where their chat data lives, its export and its erasure.
import { appOutbox, PRIVACY_TOPIC, type EndUserForgotten, type EventBus } from '@beamline/core';
import { exportChatUser, forgetChatUser } from '@beamline/chat';
import { eraseUploads } from '../chat/uploads';
import type { AppCtx } from '../context';
import { receiptsCollection } from '../usage/meters';
import { webhookCollections } from '../webhooks/store';
import { redact } from './redact';

/** Platform events (the webhook outbox) that name the user: their messages, reactions, moderation, views. */
const EVENT_FIELDS = ['data.userId', 'data.message.userId', 'data.viewerId'] as const;

/** Within the app's outbox (a tenant view adds the appId). */
const eventFilter = (userId: string) => ({ $or: EVENT_FIELDS.map((f) => ({ [f]: userId })) });

/** The months in which a monthly-active-user receipt may name the user: from the app's creation on. */
function monthsSince(createdAt: string, now: Date): string[] {
  const months: string[] = [];
  const d = new Date(`${createdAt.slice(0, 7)}-01T00:00:00Z`);
  while (d <= now && months.length < 240) {
    months.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return months;
}

/** Ids of the analytics identities (monthly-active-user receipts) of this user. */
function analyticsIdentityIds(appId: string, appCreatedAt: string, userId: string, now: Date): string[] {
  return monthsSince(appCreatedAt, now).map((m) => `mau:${appId}:${m}:${userId}`);
}

export async function exportEndUser(ctx: AppCtx, userId: string) {
  const { channels, ...chat } = await exportChatUser(ctx.store, ctx.appId, userId);
  const data: Record<string, unknown[]> = {};
  for (const [collection, docs] of Object.entries(chat)) data[collection] = docs.map(redact);
  data.channels = channels;
  data.events = (await appOutbox(ctx.store, ctx.appId).find(eventFilter(userId))).map(redact);
  return data;
}

/**
 * Erases the user's chat data in this app: messages (with the reactions on them and their published marks),
 * reactions, bans and mutes, uploads (the files under `dataDir`, then their records), channel memberships, the
 * events and webhook deliveries that carry them, and analytics identities; then tells realtime nodes to drop the
 * user's connections (presence). Returns the number of documents erased or changed, by collection.
 */
export async function forgetEndUser(
  ctx: AppCtx,
  bus: EventBus,
  userId: string,
  files: { dataDir: string },
): Promise<Record<string, number>> {
  const { appId } = ctx;
  // The files go before the records: a record is how a later erasure would find a file left behind.
  const uploads = await eraseUploads(ctx.store, files.dataDir, appId, { userId });
  const { counts, messageIds: ownIds } = await forgetChatUser(ctx.store, appId, userId);
  counts.uploads! += uploads;

  const events = appOutbox(ctx.store, appId);
  const named = await events.find(eventFilter(userId));
  // Events about the user's messages that do not name the user (deletions by a moderator).
  const aboutMessages = ownIds.length ? await events.find({ 'data.messageId': { $in: ownIds } }) : [];
  const eventIds = [...new Set([...named, ...aboutMessages].map((e) => e.id))];
  counts.events = eventIds.length ? await events.deleteMany({ id: { $in: eventIds } }) : 0;
  counts.webhook_deliveries = eventIds.length
    ? await webhookCollections(ctx.store)
        .forApp(appId)
        .deliveries.deleteMany({ eventId: { $in: eventIds } })
    : 0;

  const app = await ctx.repos.apps.findOne({ id: appId });
  const identityIds = analyticsIdentityIds(
    appId,
    app?.createdAt ?? ctx.clock.now().toISOString(),
    userId,
    ctx.clock.now(),
  );
  // Receipts carry no appId: their ids name the app (mau:{appId}:…).
  counts.analytics_identities = await receiptsCollection(ctx.store).deleteMany({ id: { $in: identityIds } });

  const notice: EndUserForgotten = { type: 'end_user.forgotten', appId, userId };
  await bus.publish(PRIVACY_TOPIC, notice);
  return counts;
}
