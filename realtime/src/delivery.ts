// Delivers bus events to this node's sockets; every node does the same, so each socket gets each event once.
import type { ClosingNotice, EventEnvelope, EventPayloads } from '@beamline/protocol';
import { CLOSING_EVENT, SERVER_EVENT, VIEWER_EVENT_TYPES } from '@beamline/protocol';
import type { Server, Socket } from 'socket.io';
import type { ChatUser } from '@beamline/chat';
import { rooms } from './rooms';

const PLATFORM_PREFIXES = ['stream.', 'viewer.', 'recording.', 'health.'];
const FOR_VIEWERS = new Set<string>(VIEWER_EVENT_TYPES);

/** The rooms an event goes to; empty when sockets never see it (webhook bookkeeping, usage). */
export function targetRooms(event: EventEnvelope): string[] {
  const app = event.appId;
  const data = event.data as Record<string, unknown>;
  const channel = typeof data.channelId === 'string' ? rooms.channel(app, data.channelId) : null;
  switch (event.type) {
    case 'chat.message.new':
    case 'chat.message.updated':
    case 'chat.message.deleted':
    case 'typing.start':
    case 'typing.stop':
    case 'presence.changed':
    case 'reaction.sent':
      return channel ? [channel] : [];
    case 'custom':
      return [channel ?? rooms.appEvents(app)];
    case 'user.banned':
    case 'user.unbanned':
    case 'user.muted':
    case 'user.unmuted':
      return [rooms.moderators(app), ...(channel ? [channel] : [])];
    case 'chat.moderation':
      return [rooms.moderators(app)];
    default:
      if (!PLATFORM_PREFIXES.some((p) => event.type.startsWith(p))) return [];
      if (typeof data.streamId !== 'string') return [rooms.appEvents(app)];
      // A stream's viewers hear only of the stream itself: never of other viewers (viewer.joined), its settings
      // or its recordings.
      return [
        rooms.appEvents(app),
        rooms.streamEvents(app, data.streamId),
        ...(FOR_VIEWERS.has(event.type) ? [rooms.streamViewers(app, data.streamId)] : []),
      ];
  }
}

/** This node's sockets of one user of one app (rare targeted events: a scan, not a room per user). */
function localSocketsOf(io: Server, appId: string, userId: string, within?: string): Socket[] {
  const ns = io.of('/');
  const ids = within ? ns.adapter.rooms.get(within) : undefined;
  const candidates = within ? [...(ids ?? [])].map((id) => ns.sockets.get(id)) : [...ns.sockets.values()];
  return candidates.filter((s): s is Socket => {
    const user = s?.data as ChatUser | undefined;
    return user?.appId === appId && user.userId === userId;
  });
}

export function deliver(io: Server, event: EventEnvelope): void {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'chat.message.new' || event.type === 'chat.message.updated') {
    const message = (data as EventPayloads['chat.message.new']).message;
    if (message.shadowed) {
      const room = rooms.channel(event.appId, message.channelId);
      for (const s of localSocketsOf(io, event.appId, message.userId, room)) s.emit(SERVER_EVENT, event);
      return;
    }
  }
  const targets = targetRooms(event);
  if (targets.length > 0) io.local.to(targets).emit(SERVER_EVENT, event);
  if (event.type.startsWith('user.') && typeof data.userId === 'string') {
    // The user concerned hears of it on every connection, whether or not it is in the channel.
    const inRooms = new Set(targets);
    for (const s of localSocketsOf(io, event.appId, data.userId)) {
      if (![...s.rooms].some((r) => inRooms.has(r))) s.emit(SERVER_EVENT, event);
    }
  }
  if (event.type === 'user.banned') enforceBan(io, event as EventEnvelope<'user.banned'>);
}

/** A ban takes effect on this node's sockets of the user: out of the channel, or off the app. */
function enforceBan(io: Server, event: EventEnvelope<'user.banned'>): void {
  const { userId, channelId, reason } = event.data;
  const notice: ClosingNotice = { code: 'banned', message: reason ? `Banned: ${reason}` : 'Banned from this app.' };
  for (const s of localSocketsOf(io, event.appId, userId)) {
    if (channelId) {
      void s.leave(rooms.channel(event.appId, channelId));
    } else {
      s.emit(CLOSING_EVENT, notice);
      s.disconnect();
    }
  }
}
