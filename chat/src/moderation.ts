// Bans, mutes and the blocklist: enforced by every node from the store, announced as events.
import { randomToken } from '@beamline/protocol';
import { forbidden, invalid, notFound } from './errors';
import { getChannel } from './channels';
import { recordModeration } from './audit';
import { actorName, type ChatCtx } from './context';
import type { BanDoc, BlocklistDoc, MuteDoc } from './repos';
import { activeRestriction, isAppModerator, isChannelModerator, normaliseWords } from './rules';

const MAX_DURATION_SECONDS = 365 * 86_400;

async function assertModerator(ctx: ChatCtx, channelId: string | undefined): Promise<void> {
  if (!channelId) {
    if (!isAppModerator(ctx.actor))
      throw forbidden('forbidden', 'Only app moderators and admins may do this app-wide.');
    return;
  }
  const channel = await getChannel(ctx, channelId);
  if (!isChannelModerator(ctx.actor, channel)) throw forbidden('forbidden', 'Only moderators may do this.');
}

function until(ctx: ChatCtx, seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_DURATION_SECONDS) {
    throw invalid('validation_failed', `A duration is 1 to ${MAX_DURATION_SECONDS} whole seconds.`);
  }
  return new Date(ctx.chat.now().getTime() + seconds * 1000).toISOString();
}

const scope = (channelId: string | undefined) => (channelId ? { channelId } : { channelId: { $exists: false } });

export interface BanInput {
  userId: string;
  channelId?: string;
  durationSeconds?: number;
  reason?: string;
  shadow?: boolean;
}

export async function banUser(ctx: ChatCtx, input: BanInput): Promise<BanDoc> {
  await assertModerator(ctx, input.channelId);
  const repo = ctx.chat.repos(ctx.appId).bans;
  const by = actorName(ctx.actor);
  const fields = {
    userId: input.userId,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.durationSeconds !== undefined ? { until: until(ctx, input.durationSeconds) } : {}),
    shadow: input.shadow ?? false,
    by,
    createdAt: ctx.chat.now().toISOString(),
  };
  await repo.deleteMany({ userId: input.userId, ...scope(input.channelId) });
  const ban = await repo.insert({ id: `ban_${randomToken(20)}`, ...fields });
  if (ban.shadow) {
    // A shadow ban is told to moderators only: the user must not learn of it.
    await ctx.chat.events.publish(ctx.appId, 'chat.moderation', {
      ...(input.channelId ? { channelId: input.channelId } : {}),
      action: 'shadow_ban',
      userId: input.userId,
      by,
      details: { until: ban.until ?? null, reason: ban.reason ?? null },
    });
  } else {
    await ctx.chat.events.publish(ctx.appId, 'user.banned', {
      userId: input.userId,
      ...(input.channelId ? { channelId: input.channelId } : {}),
      ...(ban.until ? { until: ban.until } : {}),
      ...(ban.reason ? { reason: ban.reason } : {}),
      by,
    });
  }
  await recordModeration(ctx, ban.shadow ? 'moderation.shadow_ban' : 'moderation.ban', input.userId);
  return ban;
}

export async function unbanUser(ctx: ChatCtx, input: { userId: string; channelId?: string }): Promise<void> {
  await assertModerator(ctx, input.channelId);
  const removed = await ctx.chat.repos(ctx.appId).bans.deleteMany({ userId: input.userId, ...scope(input.channelId) });
  if (removed === 0) throw notFound('ban_not_found', `User ${input.userId} is not banned there.`);
  await ctx.chat.events.publish(ctx.appId, 'user.unbanned', {
    userId: input.userId,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    by: actorName(ctx.actor),
  });
  await recordModeration(ctx, 'moderation.unban', input.userId);
}

export async function muteUser(
  ctx: ChatCtx,
  input: { userId: string; channelId?: string; durationSeconds: number },
): Promise<MuteDoc> {
  await assertModerator(ctx, input.channelId);
  const repo = ctx.chat.repos(ctx.appId).mutes;
  await repo.deleteMany({ userId: input.userId, ...scope(input.channelId) });
  const mute = await repo.insert({
    id: `mut_${randomToken(20)}`,
    userId: input.userId,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    until: until(ctx, input.durationSeconds)!,
    by: actorName(ctx.actor),
    createdAt: ctx.chat.now().toISOString(),
  });
  await ctx.chat.events.publish(ctx.appId, 'user.muted', {
    userId: input.userId,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    until: mute.until,
    by: mute.by,
  });
  await recordModeration(ctx, 'moderation.mute', input.userId);
  return mute;
}

export async function unmuteUser(ctx: ChatCtx, input: { userId: string; channelId?: string }): Promise<void> {
  await assertModerator(ctx, input.channelId);
  const removed = await ctx.chat.repos(ctx.appId).mutes.deleteMany({ userId: input.userId, ...scope(input.channelId) });
  if (removed === 0) throw notFound('mute_not_found', `User ${input.userId} is not muted there.`);
  await ctx.chat.events.publish(ctx.appId, 'user.unmuted', {
    userId: input.userId,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    by: actorName(ctx.actor),
  });
  await recordModeration(ctx, 'moderation.unmute', input.userId);
}

/** The ban and mute in force for a user in a channel (app-wide ones included), read from the store. */
export async function restrictionsFor(ctx: ChatCtx, userId: string, channelId?: string) {
  const repos = ctx.chat.repos(ctx.appId);
  const where = channelId
    ? { userId, $or: [{ channelId: { $exists: false } }, { channelId }] }
    : { userId, channelId: { $exists: false } };
  const [bans, mutes] = await Promise.all([repos.bans.find(where), repos.mutes.find(where)]);
  const now = ctx.chat.now();
  return { ban: activeRestriction(bans, now), mute: activeRestriction(mutes, now) };
}

export async function listRestrictions<K extends 'bans' | 'mutes'>(
  ctx: ChatCtx,
  kind: K,
  filter: { channelId?: string; userId?: string },
) {
  const where: Record<string, unknown> = {};
  if (filter.channelId) where.channelId = filter.channelId;
  if (filter.userId) where.userId = filter.userId;
  const now = ctx.chat.now().toISOString();
  const rows = (await ctx.chat.repos(ctx.appId)[kind].find(where, { sort: { createdAt: -1 }, limit: 1000 })) as (
    BanDoc | MuteDoc
  )[];
  return rows.filter((r) => !r.until || r.until > now).map(({ appId: _appId, ...rest }) => rest);
}

export async function getBlocklist(ctx: ChatCtx): Promise<Pick<BlocklistDoc, 'words' | 'mode'>> {
  const doc = await ctx.chat.repos(ctx.appId).blocklists.findOne({ id: ctx.appId });
  return { words: doc?.words ?? [], mode: doc?.mode ?? 'mask' };
}

export async function setBlocklist(ctx: ChatCtx, input: { words: string[]; mode: 'block' | 'mask' }) {
  if (!isAppModerator(ctx.actor)) throw forbidden('forbidden', 'Only app moderators and admins may set the blocklist.');
  const words = normaliseWords(input.words);
  const set = { words, mode: input.mode, updatedAt: ctx.chat.now().toISOString() };
  await ctx.chat.repos(ctx.appId).blocklists.upsert({ id: ctx.appId }, { set }, { id: ctx.appId, ...set });
  await ctx.chat.events.publish(ctx.appId, 'chat.moderation', {
    action: 'blocklist',
    by: actorName(ctx.actor),
    details: { mode: input.mode, words: words.length },
  });
  return { words, mode: input.mode };
}
