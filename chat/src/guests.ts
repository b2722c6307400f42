// Guests of a stream's player page: the stream's guest chat mode decides whether they may chat, read or nothing.
import { appBranding, appStreams } from '@beamline/core';
import { guestChatModeOf, type GuestChatMode } from '@beamline/protocol';
import { forbidden } from './errors';
import type { ChatCtx } from './context';

/**
 * The guest chat mode of a channel: a stream's chat (channel id = stream id) follows the stream's setting or the
 * app's default; any other channel was named in a guest token by the app's own backend, which chose it: `chat`.
 */
export async function guestChatMode(ctx: ChatCtx, channelId: string): Promise<GuestChatMode> {
  if (!channelId.startsWith('str_')) return 'chat';
  const [stream, branding] = await Promise.all([
    appStreams(ctx.chat.store, ctx.appId).findOne({ id: channelId }),
    appBranding(ctx.chat.store, ctx.appId).findOne({}),
  ]);
  if (!stream) return 'chat';
  // An app that never saved its branding has the default: guest chat on.
  return guestChatModeOf(stream, branding?.guestChat ?? true);
}

/** Refuses a guest what the mode does not allow: `write` needs `chat`, reading needs anything but `off`. */
export function assertGuestMode(mode: GuestChatMode, need: 'read' | 'write'): void {
  if (mode === 'off') throw forbidden('guest_chat_off', 'Guests may not chat on this stream.');
  if (need === 'write' && mode === 'read') throw forbidden('guests_read_only', 'Guests may only read this chat.');
}
