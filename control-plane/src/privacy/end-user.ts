// One end user of an app ("right to be forgotten"): where their chat data lives, its export and its erasure.
import { appOutbox, PRIVACY_TOPIC, type EndUserForgotten, type EventBus } from '@beamline/core';
import { eraseUploads } from '../chat/uploads';
import type { AppCtx } from '../context';
import { receiptsCollection } from '../usage/meters';
import { webhookCollections } from '../webhooks/store';
import { redact } from './redact';

/**
 * Every place that holds an end user's data, by the field that names them. A feature that stores
 * end-user data adds its collection here, so that export and erasure reach it.
 */
export const END_USER_DATA: readonly { collection: string; field: string }[] = [
  { collection: 'messages', field: 'userId' },
  { collection: 'message_reactions', field: 'userId' },
  { collection: 'bans', field: 'userId' },
  { collection: 'mutes', field: 'userId' },
  // Records of the images the user uploaded (erasure deletes the files first, see forgetEndUser).
  { collection: 'uploads', field: 'userId' },
];

/** Platform events (the webhook outbox) that name the user: their messages, reactions, moderation, views. */
const EVENT_FIELDS = ['data.userId', 'data.message.userId', 'data.viewerId'] as const;
/** Lists that name the user inside a channel. */
const CHANNEL_LISTS = ['members', 'moderators'] as const;

interface AnyDoc {
  id: string;
  appId: string;
  [field: string]: unknown;
}

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
  const data: Record<string, unknown[]> = {};
  for (const { collection, field } of END_USER_DATA) {
    data[collection] = (await ctx.store.collection<AnyDoc>(collection).find({ appId: ctx.appId, [field]: userId })).map(
      redact,
    );
  }
  data.channels = (
    await ctx.store
      .collection<AnyDoc>('channels')
      .find({ appId: ctx.appId, $or: CHANNEL_LISTS.map((l) => ({ [l]: userId })) })
  ).map((ch) => ({
    id: ch.id,
    name: ch.name ?? null,
    roles: CHANNEL_LISTS.filter((l) => (ch[l] as string[] | undefined)?.includes(userId)),
  }));
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
  const counts: Record<string, number> = {};
  const messages = ctx.store.collection<AnyDoc>('messages');
  const own = await messages.find({ appId, userId });
  const ownIds = own.map((m) => m.id);
  // The files go before the records: a record is how a later erasure would find a file left behind.
  const uploads = await eraseUploads(ctx.store, files.dataDir, appId, { userId });
  for (const { collection, field } of END_USER_DATA) {
    counts[collection] = await ctx.store.collection<AnyDoc>(collection).deleteMany({ appId, [field]: userId });
  }
  counts.uploads! += uploads;
  // Other people's reactions on the user's messages go with the messages, and so do the marks that say a
  // message's event went out (they are keyed by the message id).
  if (ownIds.length) {
    counts.message_reactions! += await ctx.store
      .collection<AnyDoc>('message_reactions')
      .deleteMany({ appId, messageId: { $in: ownIds } });
  }
  counts.published_messages = ownIds.length
    ? await ctx.store.collection<AnyDoc>('published_messages').deleteMany({ appId, id: { $in: ownIds } })
    : 0;

  const channels = ctx.store.collection<AnyDoc>('channels');
  counts.channels = 0;
  for (const ch of await channels.find({ appId, $or: CHANNEL_LISTS.map((l) => ({ [l]: userId })) })) {
    const set: Record<string, string[]> = {};
    for (const l of CHANNEL_LISTS) {
      const list = ch[l] as string[] | undefined;
      if (list?.includes(userId)) set[l] = list.filter((u) => u !== userId);
    }
    await channels.updateOne({ appId, id: ch.id }, { set });
    counts.channels++;
  }

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
