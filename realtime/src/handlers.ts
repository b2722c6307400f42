// Socket.IO transport of the chat verbs: validate, call the verb, map its errors to an error ack.
import type { AckError, ClientRequestName, ClientRequests, ClosingNotice } from '@beamline/protocol';
import { CLIENT_REQUESTS, CLOSING_EVENT, REALTIME_LIMITS } from '@beamline/protocol';
import type { Socket } from 'socket.io';
import type { SocketUser } from './auth';
import { assertMayJoin, channelForJoin, getChannel, setSlowMode } from './chat/channels';
import type { ChatCtx } from './chat/context';
import { deleteMessage, history, moderatorDelete, reactToMessage, sendMessage, updateMessage } from './chat/messages';
import { banUser, muteUser, restrictionsFor, unbanUser, unmuteUser } from './chat/moderation';
import { publicChannel } from './chat/repos';
import { isChannelModerator } from './chat/rules';
import { ChatError, forbidden, rateLimited } from './errors';
import { channelPresence } from './presence';
import { rooms } from './rooms';
import { REQUEST_SCHEMAS, type RequestOf } from './schemas';
import type { RealtimeRuntime } from './runtime';

const KNOWN = new Set<string>(CLIENT_REQUESTS);

type Reply<N extends ClientRequestName> = ClientRequests[N]['reply'];
type Handler<N extends ClientRequestName> = (input: RequestOf<N>) => Promise<Reply<N>>;

export function toAckError(err: unknown): AckError {
  if (err instanceof ChatError) {
    return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  }
  return { error: { code: 'internal_error', message: 'Something went wrong on our side.' } };
}

/** Requests per second per connection; past `disconnectAfter` in one second the connection is closed. */
export interface FloodLimits {
  requestsPerSecond: number;
  disconnectAfter: number;
}

export function attachHandlers(rt: RealtimeRuntime, socket: Socket): void {
  const user = socket.data as SocketUser;
  const ctx: ChatCtx = {
    appId: user.appId,
    actor: {
      type: 'user',
      userId: user.userId,
      role: user.role,
      ...(user.name ? { name: user.name } : {}),
      ...(user.image ? { image: user.image } : {}),
    },
    chat: rt.chat,
    ip: socket.handshake.address,
  };
  const close = (notice: ClosingNotice) => {
    socket.emit(CLOSING_EVENT, notice);
    socket.disconnect();
  };

  let windowStart = 0;
  let inWindow = 0;
  socket.use((packet, next) => {
    const [name] = packet;
    const ack = packet.length > 1 && typeof packet[packet.length - 1] === 'function' ? packet[packet.length - 1] : null;
    const reply = (body: AckError) => (ack as ((b: AckError) => void) | null)?.(body);
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    inWindow++;
    if (inWindow > rt.flood.disconnectAfter) {
      rt.log.warn({ appId: user.appId, userId: user.userId }, 'closing a flooding connection');
      return close({ code: 'flooding', message: 'Too many requests; the connection was closed.' });
    }
    if (inWindow > rt.flood.requestsPerSecond) {
      return reply(toAckError(rateLimited('rate_limited', 'Too many requests on this connection.', 1)));
    }
    if (typeof name !== 'string' || !KNOWN.has(name)) {
      return reply({ error: { code: 'unknown_request', message: `No request named ${String(name).slice(0, 64)}.` } });
    }
    next();
  });

  const on = <N extends ClientRequestName>(name: N, handler: Handler<N>) => {
    socket.on(name as string, async (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (body: unknown) => void) : null;
      const parsed = REQUEST_SCHEMAS[name].safeParse(args[0]);
      if (!parsed.success) {
        ack?.({
          error: {
            code: 'validation_failed',
            message: 'The payload is malformed.',
            details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        });
        return;
      }
      try {
        const result = await handler(parsed.data as RequestOf<N>);
        ack?.({ ok: true, ...result });
      } catch (err) {
        if (!(err instanceof ChatError)) rt.log.error({ err, request: name }, 'request failed');
        ack?.(toAckError(err));
      }
    });
  };

  const mustHaveJoined = (channelId: string) => {
    if (!socket.rooms.has(rooms.channel(user.appId, channelId))) {
      throw forbidden('not_joined', `Join channel ${channelId} first.`);
    }
  };
  const announcePresence = async (channelId: string, type: string, online: boolean) => {
    if (type !== 'messaging') return; // livestream audiences are counted, not listed
    const { members, connections } = await channelPresence(rt.io, user.appId, channelId);
    const stillThere = (connections.get(user.userId) ?? 0) > 0;
    if (online ? (connections.get(user.userId) ?? 0) !== 1 : stillThere) return;
    await rt.chat.events.broadcast(user.appId, 'presence.changed', { channelId, userId: user.userId, online, members });
  };

  on('channel.join', async ({ channelId }) => {
    const channel = await channelForJoin(ctx, channelId);
    assertMayJoin(ctx, channel);
    const { ban } = await restrictionsFor(ctx, user.userId, channelId);
    if (ban && !ban.shadow)
      throw forbidden('banned', 'You are banned from this channel.', { until: ban.until ?? null });
    await socket.join(rooms.channel(user.appId, channelId));
    const [recent, presence] = await Promise.all([
      history(ctx, { channelId, limit: REALTIME_LIMITS.joinHistory }),
      channelPresence(rt.io, user.appId, channelId),
    ]);
    void announcePresence(channelId, channel.type, true).catch((err) => rt.log.warn({ err }, 'presence failed'));
    return { channel: publicChannel(channel), messages: recent.messages, members: presence.members };
  });

  on('channel.leave', async ({ channelId }) => {
    mustHaveJoined(channelId);
    await socket.leave(rooms.channel(user.appId, channelId));
    const channel = await getChannel(ctx, channelId);
    await announcePresence(channelId, channel.type, false);
    return {};
  });

  on('message.send', async (input) => {
    mustHaveJoined(input.channelId);
    return { message: await sendMessage(ctx, input) };
  });
  on('message.update', async ({ messageId, text }) => ({ message: await updateMessage(ctx, messageId, text) }));
  on('message.delete', async ({ messageId }) => ({ messageId: (await deleteMessage(ctx, messageId)).messageId }));
  on('message.react', async ({ messageId, type, remove }) => ({
    message: await reactToMessage(ctx, messageId, type, remove),
  }));
  on('history', async (input) => {
    mustHaveJoined(input.channelId);
    return history(ctx, input);
  });

  for (const kind of ['typing.start', 'typing.stop'] as const) {
    on(kind, async ({ channelId }) => {
      mustHaveJoined(channelId);
      await rt.chat.events.broadcast(user.appId, kind, { channelId, userId: user.userId });
      return {};
    });
  }
  on('reaction.send', async ({ channelId, type }) => {
    mustHaveJoined(channelId);
    const wait = await rt.chat.counters.reactions.consume(`${user.appId}:${user.userId}`);
    if (wait) throw rateLimited('rate_limited', 'Too many reactions; slow down.', wait);
    const { ban, mute } = await restrictionsFor(ctx, user.userId, channelId);
    if (ban || mute) return {}; // silently dropped: reactions of restricted users reach nobody
    await rt.chat.events.broadcast(user.appId, 'reaction.sent', { channelId, userId: user.userId, type });
    return {};
  });

  on('moderation.ban', async (input) => {
    await banUser(ctx, input);
    return {};
  });
  on('moderation.unban', async (input) => {
    await unbanUser(ctx, input);
    return {};
  });
  on('moderation.mute', async (input) => ({ until: (await muteUser(ctx, input)).until }));
  on('moderation.unmute', async (input) => {
    await unmuteUser(ctx, input);
    return {};
  });
  on('moderation.slowmode', async ({ channelId, seconds }) => ({
    channel: publicChannel(await setSlowMode(ctx, channelId, seconds)),
  }));
  on('moderation.delete', async ({ messageId }) => ({ messageId: (await moderatorDelete(ctx, messageId)).messageId }));

  on('events.subscribe', async ({ streamId }) => {
    await socket.join(streamId ? rooms.streamEvents(user.appId, streamId) : rooms.appEvents(user.appId));
    return {};
  });
  on('events.unsubscribe', async ({ streamId }) => {
    await socket.leave(streamId ? rooms.streamEvents(user.appId, streamId) : rooms.appEvents(user.appId));
    return {};
  });

  socket.on('disconnecting', () => {
    const left = [...socket.rooms].flatMap((room) => {
      const prefix = `c:${user.appId}:`;
      return room.startsWith(prefix) ? [room.slice(prefix.length)] : [];
    });
    // Presence is recomputed once this socket has left its rooms.
    setImmediate(() => {
      for (const channelId of left) {
        void getChannel(ctx, channelId)
          .then((channel) => announcePresence(channelId, channel.type, false))
          .catch(() => undefined);
      }
    });
  });
}

/** Whether this user may moderate a channel (used by the join ack's moderator room). */
export function joinsModeratorRoom(user: SocketUser): boolean {
  return isChannelModerator({ type: 'user', userId: user.userId, role: user.role }, null);
}
