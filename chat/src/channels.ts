// Channels: created by the app's server (REST) or implicitly, one per live stream, on first join.
import { newId, type ChannelType } from '@beamline/protocol';
import { appStreams, DomainError, DuplicateKeyError } from '@beamline/core';
import { conflict, forbidden, invalid, notFound } from './errors';
import { actorName, type ChatCtx } from './context';
import { recordModeration } from './audit';
import { isChannelModerator } from './rules';
import type { ChannelDoc } from './repos';

export interface ChannelInput {
  id?: string;
  type: ChannelType;
  name?: string;
  membersOnly?: boolean;
  members?: string[];
  moderators?: string[];
  slowModeSeconds?: number;
  streamId?: string;
}

export async function createChannel(ctx: ChatCtx, input: ChannelInput): Promise<ChannelDoc> {
  const doc = {
    id: input.id ?? newId('channel'),
    type: input.type,
    ...(input.name ? { name: input.name } : {}),
    membersOnly: input.membersOnly ?? false,
    ...(input.members ? { members: [...new Set(input.members)] } : {}),
    ...(input.moderators ? { moderators: [...new Set(input.moderators)] } : {}),
    slowModeSeconds: input.slowModeSeconds ?? 0,
    ...(input.streamId ? { streamId: input.streamId } : {}),
    createdAt: ctx.chat.now().toISOString(),
  };
  try {
    return await ctx.chat.repos(ctx.appId).channels.insert(doc);
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw conflict('channel_exists', `Channel ${doc.id} exists.`);
    throw err;
  }
}

export async function getChannel(ctx: ChatCtx, channelId: string): Promise<ChannelDoc> {
  const channel = await ctx.chat.repos(ctx.appId).channels.findOne({ id: channelId });
  if (!channel) throw notFound('channel_not_found', `No channel ${channelId} in this app.`);
  return channel;
}

/** The channel to join; a live stream's own channel (id = stream id) is created on its first join. */
export async function channelForJoin(ctx: ChatCtx, channelId: string): Promise<ChannelDoc> {
  const repo = ctx.chat.repos(ctx.appId).channels;
  const existing = await repo.findOne({ id: channelId });
  if (existing) return existing;
  if (channelId.startsWith('str_')) {
    const stream = await appStreams(ctx.chat.store, ctx.appId).findOne({ id: channelId });
    if (stream) {
      try {
        return await createChannel(ctx, { id: channelId, type: 'livestream', streamId: channelId });
      } catch (err) {
        if (err instanceof DomainError && err.code === 'channel_exists') return getChannel(ctx, channelId);
        throw err;
      }
    }
  }
  throw notFound('channel_not_found', `No channel ${channelId} in this app.`);
}

export function assertMayJoin(ctx: ChatCtx, channel: ChannelDoc): void {
  if (!channel.membersOnly || isChannelModerator(ctx.actor, channel)) return;
  if (ctx.actor.type === 'user' && channel.members?.includes(ctx.actor.userId)) return;
  throw forbidden('not_a_member', `Channel ${channel.id} is members-only.`);
}

export type ChannelPatch = Partial<Omit<ChannelInput, 'id' | 'type' | 'streamId'>>;

export async function updateChannel(ctx: ChatCtx, channelId: string, patch: ChannelPatch): Promise<ChannelDoc> {
  await getChannel(ctx, channelId);
  const set: Partial<ChannelDoc> = { ...patch, updatedAt: ctx.chat.now().toISOString() };
  if (patch.members) set.members = [...new Set(patch.members)];
  if (patch.moderators) set.moderators = [...new Set(patch.moderators)];
  const updated = await ctx.chat.repos(ctx.appId).channels.updateOne({ id: channelId }, { set });
  if (!updated) throw notFound('channel_not_found', `No channel ${channelId} in this app.`);
  return updated;
}

/** Deletes the channel and its messages. */
export async function deleteChannel(ctx: ChatCtx, channelId: string): Promise<void> {
  const repos = ctx.chat.repos(ctx.appId);
  await getChannel(ctx, channelId);
  await repos.messages.deleteMany({ channelId });
  await repos.channels.deleteOne({ id: channelId });
}

export async function setSlowMode(ctx: ChatCtx, channelId: string, seconds: number): Promise<ChannelDoc> {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw invalid('validation_failed', 'Slow mode is 0 to 3600 whole seconds.');
  }
  const channel = await getChannel(ctx, channelId);
  if (!isChannelModerator(ctx.actor, channel)) throw forbidden('forbidden', 'Only moderators may set slow mode.');
  const updated = await updateChannel(ctx, channelId, { slowModeSeconds: seconds });
  await ctx.chat.events.publish(ctx.appId, 'chat.moderation', {
    channelId,
    action: 'slow_mode',
    by: actorName(ctx.actor),
    details: { seconds },
  });
  await recordModeration(ctx, 'moderation.slowmode', channelId);
  return updated;
}
