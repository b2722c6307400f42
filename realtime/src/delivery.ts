// Delivers bus events to this node's sockets; every node does the same, so each socket gets each event once.
import type { ClosingNotice, EventEnvelope, EventPayloads } from '@beamline/protocol';
import { CLOSING_EVENT, SERVER_EVENT } from '@beamline/protocol';
import type { Server } from 'socket.io';
import { rooms } from './rooms';

const PLATFORM_PREFIXES = ['stream.', 'viewer.', 'recording.', 'health.'];

/** The rooms an event goes to; empty when sockets never see it (webhook bookkeeping, usage). */
export function targetRooms(event: EventEnvelope): string[] {
  const app = event.appId;
  const data = event.data as Record<string, unknown>;
  const channel = typeof data.channelId === 'string' ? rooms.channel(app, data.channelId) : null;
  switch (event.type) {
    case 'chat.message.new':
    case 'chat.message.updated': {
      const message = (data as EventPayloads['chat.message.new']).message;
      return message.shadowed ? [rooms.user(app, message.userId)] : channel ? [channel] : [];
    }
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
    case 'user.unmuted': {
      const user = rooms.user(app, String(data.userId));
      return [user, rooms.moderators(app), ...(channel ? [channel] : [])];
    }
    case 'chat.moderation':
      return [rooms.moderators(app)];
    default:
      if (!PLATFORM_PREFIXES.some((p) => event.type.startsWith(p))) return [];
      return [
        rooms.appEvents(app),
        ...(typeof data.streamId === 'string' ? [rooms.streamEvents(app, data.streamId)] : []),
      ];
  }
}

export function deliver(io: Server, event: EventEnvelope): void {
  const targets = targetRooms(event);
  if (targets.length > 0) io.local.to(targets).emit(SERVER_EVENT, event);
  if (event.type === 'user.banned') enforceBan(io, event as EventEnvelope<'user.banned'>);
}

/** A ban takes effect on this node's sockets of the user: out of the channel, or off the app. */
function enforceBan(io: Server, event: EventEnvelope<'user.banned'>): void {
  const { userId, channelId, reason } = event.data;
  const local = io.local.in(rooms.user(event.appId, userId));
  if (channelId) {
    local.socketsLeave(rooms.channel(event.appId, channelId));
    return;
  }
  const notice: ClosingNotice = { code: 'banned', message: reason ? `Banned: ${reason}` : 'Banned from this app.' };
  local.emit(CLOSING_EVENT, notice);
  local.disconnectSockets();
}
