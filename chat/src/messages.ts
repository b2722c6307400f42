// Messages: validated, moderated and stored before they are acknowledged, then published as events.
import { createHash } from 'node:crypto';
import { DuplicateKeyError } from '@beamline/core';
import { ID_PREFIXES, newId, REALTIME_LIMITS, type Attachment, type ChatMessage } from '@beamline/protocol';
import { forbidden, invalid, notFound } from './errors';
import { checkAttachments } from './attachments';
import { recordModeration } from './audit';
import { actorName, type ChatCtx } from './context';
import { getBlocklist } from './moderation';
import { publicMessage, type MessageDoc } from './repos';
import { applyBlocklist, isChannelModerator } from './rules';
import { checkWrite, readWriteAccess } from './write-access';

/** How far before the `after` message a gap-fill looks, for messages stamped earlier but stored later. */
export const GAP_FILL_LOOKBACK_MS = 5_000;

export interface SendInput {
  channelId: string;
  text: string;
  clientId?: string;
  parentId?: string;
  attachments?: Attachment[];
}

/** The same (app, channel, user, clientId) always names the same message: a resend is a duplicate key. */
function messageIdFor(ctx: ChatCtx, input: SendInput): string {
  if (!input.clientId) return newId('message');
  const digest = createHash('sha256')
    .update(JSON.stringify([ctx.appId, input.channelId, actorName(ctx.actor), input.clientId]))
    .digest('base64url')
    .replace(/[-_]/g, '')
    .slice(0, 24);
  return `msg_${digest}`;
}

/** A message's chat.message.new event has an id of its own: however often it is published, the outbox keeps one. */
function newMessageEventId(messageId: string): string {
  const digest = createHash('sha256').update(`chat.message.new:${messageId}`).digest('base64url');
  return `${ID_PREFIXES.event}_${digest.replace(/[-_]/g, '').slice(0, 20)}`;
}

/**
 * Puts a new message on the bus and, unless its author is shadow-banned, in the outbox. `store` writes the
 * message itself; it runs beside the outbox write, so that a send waits for one round of the store, not two.
 */
async function publishNew(ctx: ChatCtx, doc: MessageDoc, store?: () => Promise<unknown>): Promise<void> {
  const message = publicMessage(doc);
  const data = { channelId: doc.channelId, message };
  // A shadow-banned user's message reaches only that user's own sockets and never webhooks.
  if (doc.shadowed) {
    await store?.();
    await ctx.chat.events.broadcast(ctx.appId, 'chat.message.new', data);
  } else {
    const id = newMessageEventId(doc.id);
    await ctx.chat.events.publish(ctx.appId, 'chat.message.new', data, store ? { id, alongside: store } : { id });
  }
  // Only a message with a clientId can be resent, so only then must a resend learn whether it went out.
  // The ack does not wait for this mark: were it lost, a resend would publish the message again (the outbox
  // keeps one event per message), and clients keep one copy per message id.
  if (doc.clientId) {
    ctx.chat.messageWrites
      .markPublished(ctx.appId, doc.id)
      .catch((err: unknown) => ctx.chat.log.warn({ err, messageId: doc.id }, 'could not mark a message published'));
  }
}

export async function sendMessage(ctx: ChatCtx, input: SendInput): Promise<ChatMessage> {
  const repos = ctx.chat.repos(ctx.appId);
  const userId = actorName(ctx.actor);
  const text = input.text.trim();
  if (!text && !input.attachments?.length) throw invalid('validation_failed', 'A message needs text or an attachment.');
  if (text.length > REALTIME_LIMITS.messageTextMax) {
    throw invalid('message_too_long', `A message is at most ${REALTIME_LIMITS.messageTextMax} characters.`);
  }
  const id = messageIdFor(ctx, input);
  // The reads a send needs do not depend on each other: one round of the store, not four.
  const [existing, access, blocklist] = await Promise.all([
    input.clientId ? repos.messages.findOne({ id }) : null,
    readWriteAccess(ctx, input.channelId),
    getBlocklist(ctx),
  ]);
  if (existing) {
    if (!(await ctx.chat.messageWrites.isPublished(existing))) await publishNew(ctx, existing);
    return publicMessage(existing);
  }
  const { channel } = access;
  const { shadowed } = await checkWrite(ctx, access, 'message');
  const verdict = applyBlocklist(text, blocklist);
  if (verdict.action === 'block') {
    throw forbidden('message_blocked', 'The message contains a blocked word.', { words: verdict.words });
  }
  if (input.attachments?.length) await checkAttachments(ctx, input.attachments);
  if (input.parentId) {
    const parent = await repos.messages.findOne({ id: input.parentId, channelId: channel.id });
    if (!parent || parent.deleted) throw notFound('parent_not_found', `No message ${input.parentId} in this channel.`);
  }
  const doc: Omit<MessageDoc, 'appId'> = {
    id,
    channelId: channel.id,
    userId,
    ...(ctx.actor.type === 'user' && ctx.actor.name ? { userName: ctx.actor.name } : {}),
    text: verdict.text,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(shadowed ? { shadowed: true } : {}),
    createdAt: ctx.chat.messageTime(),
  };
  const stored: MessageDoc = { ...doc, appId: ctx.appId };
  try {
    // The message and its event are written together; the event goes out once both are stored.
    await publishNew(ctx, stored, async () => {
      await ctx.chat.messageWrites.insert(stored);
      if (input.parentId && !doc.shadowed) {
        await repos.messages.updateOne({ id: input.parentId }, { inc: { replyCount: 1 } });
      }
    });
  } catch (err) {
    // A concurrent resend of the same clientId won: answer with that one (it publishes it).
    if (err instanceof DuplicateKeyError && input.clientId) {
      const winner = await repos.messages.findOne({ id });
      if (winner) return publicMessage(winner);
    }
    throw err;
  }
  return publicMessage(stored);
}

async function findMessage(ctx: ChatCtx, messageId: string): Promise<MessageDoc> {
  const doc = await ctx.chat.repos(ctx.appId).messages.findOne({ id: messageId });
  if (!doc || doc.deleted) throw notFound('message_not_found', `No message ${messageId} in this app.`);
  return doc;
}

export async function updateMessage(ctx: ChatCtx, messageId: string, text: string): Promise<ChatMessage> {
  const doc = await findMessage(ctx, messageId);
  if (actorName(ctx.actor) !== doc.userId) throw forbidden('not_author', 'Only the author may edit a message.');
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > REALTIME_LIMITS.messageTextMax) {
    throw invalid('validation_failed', `Text is 1 to ${REALTIME_LIMITS.messageTextMax} characters.`);
  }
  const [blocklist, access] = await Promise.all([getBlocklist(ctx), readWriteAccess(ctx, doc.channelId)]);
  // An edit is a write like a send: a muted, banned or removed member, or a guest who may only read, cannot.
  const { shadowed } = await checkWrite(ctx, access, 'edit');
  const verdict = applyBlocklist(trimmed, blocklist);
  if (verdict.action === 'block') {
    throw forbidden('message_blocked', 'The message contains a blocked word.', { words: verdict.words });
  }
  // A shadow-banned author's edit hides the message from everyone else from then on, as their new ones are.
  const updated = await ctx.chat.repos(ctx.appId).messages.updateOne(
    { id: messageId },
    {
      set: {
        text: verdict.text,
        updatedAt: ctx.chat.now().toISOString(),
        ...(shadowed && !doc.shadowed ? { shadowed: true } : {}),
      },
    },
  );
  const message = publicMessage(updated!);
  const data = { channelId: doc.channelId, message };
  // A shadowed message's edit reaches only its author's sockets (delivery sees `shadowed`), never webhooks.
  if (updated!.shadowed) await ctx.chat.events.broadcast(ctx.appId, 'chat.message.updated', data);
  else await ctx.chat.events.publish(ctx.appId, 'chat.message.updated', data);
  return message;
}

/** The author deletes their own message; moderators (and the app's server) delete any. */
export async function deleteMessage(
  ctx: ChatCtx,
  messageId: string,
): Promise<{ messageId: string; channelId: string }> {
  const doc = await findMessage(ctx, messageId);
  const byAuthor = actorName(ctx.actor) === doc.userId && ctx.actor.type === 'user';
  if (!byAuthor) {
    const channel = await ctx.chat.repos(ctx.appId).channels.findOne({ id: doc.channelId });
    if (!isChannelModerator(ctx.actor, channel)) {
      throw forbidden('forbidden', 'Only the author or a moderator may delete this message.');
    }
  }
  await ctx.chat
    .repos(ctx.appId)
    .messages.updateOne(
      { id: messageId },
      { set: { deleted: true, text: '', updatedAt: ctx.chat.now().toISOString() }, unset: ['attachments'] },
    );
  await ctx.chat.events.publish(ctx.appId, 'chat.message.deleted', {
    channelId: doc.channelId,
    messageId,
    deletedBy: actorName(ctx.actor),
  });
  if (!byAuthor) await recordModeration(ctx, 'moderation.delete', messageId);
  return { messageId, channelId: doc.channelId };
}

/** Adds (or takes back) the actor's reaction of a type; counts are stored on the message. */
export async function reactToMessage(ctx: ChatCtx, messageId: string, type: string, remove = false) {
  const doc = await findMessage(ctx, messageId);
  const { shadowed } = await checkWrite(ctx, await readWriteAccess(ctx, doc.channelId), 'reaction');
  const repos = ctx.chat.repos(ctx.appId);
  const userId = actorName(ctx.actor);
  // A shadow-banned user's reaction counts for nobody; they see the message as if it had.
  if (shadowed) return withOwnReaction(publicMessage(doc), type, remove);
  const id = `${messageId}:${userId}:${type}`;
  let changed = false;
  if (remove) {
    changed = await repos.reactions.deleteOne({ id });
  } else {
    try {
      await repos.reactions.insert({ id, messageId, userId, type, createdAt: ctx.chat.now().toISOString() });
      changed = true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }
  let updated = doc;
  if (changed) {
    updated = (await repos.messages.updateOne(
      { id: messageId },
      { inc: { [`reactions.${type}`]: remove ? -1 : 1 } as Record<string, number> },
    ))!;
  }
  const message = publicMessage(updated);
  if (changed && !doc.shadowed) {
    await ctx.chat.events.publish(ctx.appId, 'chat.message.updated', { channelId: doc.channelId, message });
  }
  return message;
}

function withOwnReaction(message: ChatMessage, type: string, remove: boolean): ChatMessage {
  const count = Math.max(0, (message.reactions?.[type] ?? 0) + (remove ? -1 : 1));
  return { ...message, reactions: { ...message.reactions, [type]: count } };
}

export interface HistoryInput {
  channelId: string;
  before?: string;
  after?: string;
  parentId?: string;
  limit?: number;
}

/** A page of a channel's messages in ascending order; shadowed messages only for their author. */
export async function history(
  ctx: ChatCtx,
  input: HistoryInput,
): Promise<{ messages: ChatMessage[]; hasMore: boolean }> {
  const repos = ctx.chat.repos(ctx.appId);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), REALTIME_LIMITS.historyLimitMax);
  const base: Record<string, unknown> = { channelId: input.channelId };
  if (input.parentId) base.parentId = input.parentId;
  const pivotOf = async (id: string) => {
    const pivot = await repos.messages.findOne({ id, channelId: input.channelId });
    if (!pivot) throw notFound('message_not_found', `No message ${id} in this channel.`);
    return pivot;
  };
  let rows: MessageDoc[];
  let hasMore: boolean;
  if (input.after) {
    const pivot = await pivotOf(input.after);
    const from = new Date(new Date(pivot.createdAt).getTime() - GAP_FILL_LOOKBACK_MS).toISOString();
    const found = await repos.messages.find(
      { ...base, createdAt: { $gte: from }, id: { $ne: pivot.id } },
      { sort: { createdAt: 1, id: 1 }, limit: limit + 1 },
    );
    hasMore = found.length > limit;
    rows = found.slice(0, limit);
  } else {
    let filter = base;
    if (input.before) {
      const pivot = await pivotOf(input.before);
      filter = {
        ...base,
        $or: [{ createdAt: { $lt: pivot.createdAt } }, { createdAt: pivot.createdAt, id: { $lt: pivot.id } }],
      };
    }
    const found = await repos.messages.find(filter, { sort: { createdAt: -1, id: -1 }, limit: limit + 1 });
    hasMore = found.length > limit;
    rows = found.slice(0, limit).reverse();
  }
  const me = actorName(ctx.actor);
  return { messages: rows.filter((m) => !m.shadowed || m.userId === me).map(publicMessage), hasMore };
}

/** Case-insensitive text search in one channel, newest first. */
export async function searchMessages(
  ctx: ChatCtx,
  channelId: string,
  query: string,
  limit = 25,
): Promise<ChatMessage[]> {
  const q = query.trim();
  if (!q || q.length > 200) throw invalid('validation_failed', 'A search is 1 to 200 characters.');
  const pattern = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  const rows = await ctx.chat
    .repos(ctx.appId)
    .messages.find(
      { channelId, text: { $regex: pattern }, deleted: { $ne: true }, shadowed: { $ne: true } },
      { sort: { createdAt: -1 }, limit },
    );
  return rows.map(publicMessage);
}

export async function moderatorDelete(ctx: ChatCtx, messageId: string) {
  const doc = await findMessage(ctx, messageId);
  const channel = await ctx.chat.repos(ctx.appId).channels.findOne({ id: doc.channelId });
  if (!isChannelModerator(ctx.actor, channel)) throw forbidden('forbidden', 'Only moderators may do this.');
  return deleteMessage(ctx, messageId);
}
