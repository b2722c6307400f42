// The one restriction check of every verb that creates or changes content: guest chat mode, ban, mute, shadow ban,
// channel membership, message rate and slow mode.
import type { GuestChatMode } from '@beamline/protocol';
import { forbidden, rateLimited } from './errors';
import { getChannel } from './channels';
import { actorName, type ChatCtx } from './context';
import { assertGuestMode, guestChatMode } from './guests';
import { restrictionsFor } from './moderation';
import type { BanDoc, ChannelDoc, MuteDoc } from './repos';
import { isChannelModerator } from './rules';

/** What the check reads, in one round of the store (a verb may read it beside its own reads). */
export interface WriteAccess {
  channel: ChannelDoc;
  ban: BanDoc | null;
  mute: MuteDoc | null;
  /** For guests only. */
  guestMode: GuestChatMode | null;
}

/** Each kind has its own slow-mode turn: an edit right after a send is not refused, a stream of edits is. */
export type WriteKind = 'message' | 'edit' | 'reaction';

export async function readWriteAccess(ctx: ChatCtx, channelId: string): Promise<WriteAccess> {
  const guest = ctx.actor.type === 'user' && ctx.actor.role === 'guest';
  const [channel, { ban, mute }, guestMode] = await Promise.all([
    getChannel(ctx, channelId),
    restrictionsFor(ctx, actorName(ctx.actor), channelId),
    guest ? guestChatMode(ctx, channelId) : null,
  ]);
  return { channel, ban, mute, guestMode };
}

/**
 * Throws when the actor may not write now; consumes the actor's message rate (sends) and slow-mode turn.
 * `shadowed`: what it writes reaches only itself.
 */
export async function checkWrite(
  ctx: ChatCtx,
  access: WriteAccess,
  kind: WriteKind,
): Promise<{ shadowed: boolean; moderator: boolean }> {
  const { channel, ban, mute, guestMode } = access;
  if (guestMode) assertGuestMode(guestMode, 'write');
  if (ban && !ban.shadow) throw forbidden('banned', 'You are banned from this channel.', { until: ban.until ?? null });
  if (mute) throw forbidden('muted', 'You are muted.', { until: mute.until });
  const moderator = isChannelModerator(ctx.actor, channel);
  if (ctx.actor.type === 'user') {
    const userId = ctx.actor.userId;
    // Membership is read again on each write: a member removed from the list stops at once.
    if (channel.membersOnly && !moderator && !channel.members?.includes(userId)) {
      throw forbidden('not_a_member', `Channel ${channel.id} is members-only.`);
    }
    if (kind === 'message') {
      const wait = await ctx.chat.counters.messages.consume(`${ctx.appId}:${userId}`);
      if (wait) throw rateLimited('rate_limited', 'Too many messages; slow down.', wait);
    }
    if (channel.slowModeSeconds > 0 && !moderator) {
      const turn = kind === 'message' ? '' : `:${kind}`;
      const slow = await ctx.chat.counters
        .slowMode(channel.slowModeSeconds)
        .consume(`${ctx.appId}:${channel.id}:${userId}${turn}`);
      if (slow) throw rateLimited('slow_mode', `Slow mode: one ${kind} every ${channel.slowModeSeconds} s.`, slow);
    }
  }
  return { shadowed: ban?.shadow === true, moderator };
}
