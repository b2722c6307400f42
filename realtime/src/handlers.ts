// Socket.IO transport of the chat verbs: validate, call the verb, map its errors to an error ack.
import type { AckError, ChatErrorCode, ClientRequestName, ClientRequests, ClosingNotice } from '@beamline/protocol';
import { CLIENT_REQUESTS, CLOSING_EVENT, REALTIME_LIMITS } from '@beamline/protocol';
import { REQUEST_SCHEMAS, type RequestOf } from '@beamline/protocol/chat';
import type { Socket } from 'socket.io';
import {
  assertGuestMode,
  channels,
  checkWrite,
  forbidden,
  guestChatMode,
  isChannelModerator,
  messages,
  moderation,
  notFound,
  publicChannel,
  rateLimited,
  readWriteAccess,
  type ChatCtx,
  type ChatUser,
} from '@beamline/chat';
import { DomainError } from '@beamline/core';
import { channelPresence } from './presence';
import { actionOf, grantsOf, principalOf, type Grant } from './permissions';
import { channelOfRoom, rooms } from './rooms';
import type { RealtimeRuntime } from './runtime';
import { assertMayWatch } from './watch';

const KNOWN = new Set<string>(CLIENT_REQUESTS);
const { assertMayJoin, channelForJoin, getChannel, setSlowMode } = channels;
const { deleteMessage, history, moderatorDelete, reactToMessage, sendMessage, updateMessage } = messages;
const { banUser, muteUser, restrictionsFor, unbanUser, unmuteUser } = moderation;

type Reply<N extends ClientRequestName> = ClientRequests[N]['reply'];

/** The Socket.IO mapper of the domain error family: an error acknowledgement. */
export function toAckError(err: unknown): AckError {
  if (err instanceof DomainError) {
    // Only chat's helpers (codes typed by the protocol's chat catalog) throw where a socket request runs.
    const code = err.code as ChatErrorCode;
    return { error: { code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  }
  return { error: { code: 'internal_error', message: 'Something went wrong on our side.' } };
}

/** Requests per second per connection; past `disconnectAfter` in one second the connection is closed. */
export interface FloodLimits {
  requestsPerSecond: number;
  disconnectAfter: number;
}

/** What a request handler works with; built per request from the socket, so an idle socket holds nothing extra. */
interface RequestScope {
  rt: RealtimeRuntime;
  socket: Socket;
  user: ChatUser;
  ctx: ChatCtx;
  /** What the permission table grants this socket for the request. */
  grant: Grant;
}

function scopeOf(rt: RealtimeRuntime, socket: Socket, grant: Grant = 'yes'): RequestScope {
  const user = socket.data as ChatUser;
  return {
    rt,
    socket,
    user,
    grant,
    ctx: {
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
    },
  };
}

function mustHaveJoined({ socket, user }: RequestScope, channelId: string): void {
  if (!socket.rooms.has(rooms.channel(user.appId, channelId))) {
    throw forbidden('not_joined', `Join channel ${channelId} first.`);
  }
}

const isGuestGrant = (grant: Grant) => grant.startsWith('guest-');

/** A guest token opens one channel: the stream chat named in its `channel` claim. */
function mustBeGuestChannel(user: ChatUser, channelId: string): void {
  if (channelId !== user.channel) {
    throw forbidden('guest_channel_only', 'A guest token opens only the channel it was issued for.');
  }
}

/** A message is reached only from inside its channel (members-only channels stay closed). */
async function mustHaveJoinedChannelOf(s: RequestScope, messageId: string): Promise<string> {
  const message = await s.rt.chat.repos(s.user.appId).messages.findOne({ id: messageId });
  if (!message) throw notFound('message_not_found', `No message ${messageId} in this app.`);
  if (isGuestGrant(s.grant)) mustBeGuestChannel(s.user, message.channelId);
  mustHaveJoined(s, message.channelId);
  return message.channelId;
}

/** presence.changed when a user's first connection enters or last one leaves a messaging channel. */
async function announcePresence(s: RequestScope, channelId: string, type: string, online: boolean): Promise<void> {
  if (type !== 'messaging') return; // livestream audiences are counted, not listed
  const { members, connections } = await channelPresence(s.rt.io, s.user.appId, channelId);
  const count = connections.get(s.user.userId) ?? 0;
  if (online ? count !== 1 : count > 0) return;
  await s.rt.chat.events.broadcast(s.user.appId, 'presence.changed', {
    channelId,
    userId: s.user.userId,
    online,
    members,
  });
}

type Handlers = { [N in ClientRequestName]: (s: RequestScope, input: RequestOf<N>) => Promise<Reply<N>> };

const typing =
  (kind: 'typing.start' | 'typing.stop') =>
  async (s: RequestScope, { channelId }: { channelId: string }) => {
    mustHaveJoined(s, channelId);
    // The mode seen when the guest joined: a typing indicator is not worth a store read.
    if (s.grant === 'guest-chat') assertGuestMode(s.user.guestChat ?? 'off', 'write');
    await s.rt.chat.events.broadcast(s.user.appId, kind, { channelId, userId: s.user.userId });
    return {};
  };

/** One table of handlers shared by every socket. */
const HANDLERS: Handlers = {
  'channel.join': async (s, { channelId }) => {
    const [channel, guestMode] = await Promise.all([
      channelForJoin(s.ctx, channelId),
      s.grant === 'guest-channel' ? guestChatMode(s.ctx, channelId) : null,
    ]);
    if (guestMode) {
      assertGuestMode(guestMode, 'read');
      s.user.guestChat = guestMode;
    }
    assertMayJoin(s.ctx, channel);
    const { ban } = await restrictionsFor(s.ctx, s.user.userId, channelId);
    if (ban && !ban.shadow)
      throw forbidden('banned', 'You are banned from this channel.', { until: ban.until ?? null });
    await s.socket.join(rooms.channel(s.user.appId, channelId));
    // A livestream audience is counted, not listed: asking every node for it on each join would cost
    // the whole audience per viewer.
    const listed = channel.type === 'messaging';
    const [recent, presence] = await Promise.all([
      history(s.ctx, { channelId, limit: REALTIME_LIMITS.joinHistory }),
      listed ? channelPresence(s.rt.io, s.user.appId, channelId) : null,
    ]);
    if (listed) {
      void announcePresence(s, channelId, channel.type, true).catch((err: unknown) =>
        s.rt.log.warn({ err }, 'presence failed'),
      );
    }
    return { channel: publicChannel(channel), messages: recent.messages, members: presence?.members ?? [] };
  },
  'channel.leave': async (s, { channelId }) => {
    mustHaveJoined(s, channelId);
    await s.socket.leave(rooms.channel(s.user.appId, channelId));
    const channel = await getChannel(s.ctx, channelId);
    await announcePresence(s, channelId, channel.type, false);
    return {};
  },
  'message.send': async (s, input) => {
    mustHaveJoined(s, input.channelId);
    return { message: await sendMessage(s.ctx, input) };
  },
  'message.update': async (s, { messageId, text }) => {
    await mustHaveJoinedChannelOf(s, messageId);
    return { message: await updateMessage(s.ctx, messageId, text) };
  },
  'message.delete': async (s, { messageId }) => {
    const channelId = await mustHaveJoinedChannelOf(s, messageId);
    if (s.grant === 'guest-own') assertGuestMode(await guestChatMode(s.ctx, channelId), 'write');
    return { messageId: (await deleteMessage(s.ctx, messageId)).messageId };
  },
  'message.react': async (s, { messageId, type, remove }) => {
    await mustHaveJoinedChannelOf(s, messageId);
    return { message: await reactToMessage(s.ctx, messageId, type, remove) };
  },
  history: async (s, input) => {
    mustHaveJoined(s, input.channelId);
    // Who may read is read again beside the page (one round of the store): a member taken off a members-only
    // list, or guests once the stream's guest chat is off, read no further.
    const [channel, guestMode, page] = await Promise.all([
      getChannel(s.ctx, input.channelId),
      s.grant === 'guest-channel' ? guestChatMode(s.ctx, input.channelId) : null,
      history(s.ctx, input),
    ]);
    if (guestMode) assertGuestMode(guestMode, 'read');
    assertMayJoin(s.ctx, channel);
    return page;
  },
  'typing.start': typing('typing.start'),
  'typing.stop': typing('typing.stop'),
  'reaction.send': async (s, { channelId, type }) => {
    mustHaveJoined(s, channelId);
    const wait = await s.rt.chat.counters.reactions.consume(`${s.user.appId}:${s.user.userId}`);
    if (wait) throw rateLimited('rate_limited', 'Too many reactions; slow down.', wait);
    const { shadowed } = await checkWrite(s.ctx, await readWriteAccess(s.ctx, channelId), 'reaction');
    if (shadowed) return {}; // a shadow-banned user's reactions reach nobody, and they are not told
    await s.rt.chat.events.broadcast(s.user.appId, 'reaction.sent', { channelId, userId: s.user.userId, type });
    return {};
  },
  'moderation.ban': async (s, input) => {
    await banUser(s.ctx, input);
    return {};
  },
  'moderation.unban': async (s, input) => {
    await unbanUser(s.ctx, input);
    return {};
  },
  'moderation.mute': async (s, input) => ({ until: (await muteUser(s.ctx, input)).until }),
  'moderation.unmute': async (s, input) => {
    await unmuteUser(s.ctx, input);
    return {};
  },
  'moderation.slowmode': async (s, { channelId, seconds }) => ({
    channel: publicChannel(await setSlowMode(s.ctx, channelId, seconds)),
  }),
  'moderation.delete': async (s, { messageId }) => ({
    messageId: (await moderatorDelete(s.ctx, messageId)).messageId,
  }),
  'events.subscribe': async (s, { streamId, playbackToken }) => {
    const { appId } = s.user;
    if (!streamId) {
      await s.socket.join(rooms.appEvents(appId));
    } else if (s.grant === 'all-events') {
      await s.socket.join(rooms.streamEvents(appId, streamId));
    } else {
      await assertMayWatch(
        { store: s.rt.store, secretBox: s.rt.secretBox, now: s.rt.chat.now },
        appId,
        streamId,
        playbackToken,
      );
      await s.socket.join(rooms.streamViewers(appId, streamId));
    }
    return {};
  },
  'events.unsubscribe': async (s, { streamId }) => {
    const { appId } = s.user;
    if (!streamId) await s.socket.leave(rooms.appEvents(appId));
    else
      await Promise.all([rooms.streamEvents, rooms.streamViewers].map((room) => s.socket.leave(room(appId, streamId))));
    return {};
  },
};

type Ack = (body: unknown) => void;

/** Validates a request, runs its handler, answers with the ack; never throws. */
async function dispatch(
  rt: RealtimeRuntime,
  socket: Socket,
  name: ClientRequestName,
  payload: unknown,
  ack: Ack | null,
) {
  const parsed = REQUEST_SCHEMAS[name].safeParse(payload);
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
  const user = socket.data as ChatUser;
  // The permission table decides before any handler runs: one look-up, no store read.
  const action = actionOf(name, parsed.data);
  const grant = grantsOf(user)[action];
  if (!grant) {
    ack?.(toAckError(forbidden('forbidden', `A ${principalOf(user)} token may not ${describe(action)}.`)));
    return;
  }
  try {
    const channelId = (parsed.data as { channelId?: unknown }).channelId;
    if (isGuestGrant(grant) && typeof channelId === 'string') mustBeGuestChannel(user, channelId);
    const handler = HANDLERS[name] as (s: RequestScope, input: unknown) => Promise<object>;
    const result = await handler(scopeOf(rt, socket, grant), parsed.data);
    ack?.({ ok: true, ...result });
  } catch (err) {
    if (!(err instanceof DomainError)) rt.log.error({ err, request: name }, 'request failed');
    ack?.(toAckError(err));
  }
}

const describe = (action: string) =>
  action === 'events.app'
    ? "follow the app's platform events"
    : action === 'events.stream'
      ? "follow this stream's events"
      : `send ${action}`;

function closeWith(socket: Socket, notice: ClosingNotice): void {
  socket.emit(CLOSING_EVENT, notice);
  socket.disconnect();
}

/**
 * Every packet goes through one middleware that counts it, answers unknown names, and dispatches to the
 * shared handler table; a socket carries no listener per request name.
 */
export function attachHandlers(rt: RealtimeRuntime, socket: Socket): void {
  let windowStart = 0;
  let inWindow = 0;
  socket.use((packet) => {
    const [name, payload] = packet as [unknown, unknown];
    const last = packet[packet.length - 1];
    const ack = packet.length > 1 && typeof last === 'function' ? (last as Ack) : null;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    inWindow++;
    if (inWindow > rt.flood.disconnectAfter) {
      if (socket.connected) {
        const user = socket.data as ChatUser;
        rt.log.warn({ appId: user.appId, userId: user.userId }, 'closing a flooding connection');
        closeWith(socket, { code: 'flooding', message: 'Too many requests; the connection was closed.' });
      }
      return;
    }
    if (inWindow > rt.flood.requestsPerSecond) {
      ack?.(toAckError(rateLimited('rate_limited', 'Too many requests on this connection.', 1)));
      return;
    }
    if (typeof name !== 'string' || !KNOWN.has(name)) {
      ack?.({ error: { code: 'unknown_request', message: `No request named ${String(name).slice(0, 64)}.` } });
      return;
    }
    void dispatch(rt, socket, name as ClientRequestName, ack && payload === last ? undefined : payload, ack);
  });
  socket.on('disconnecting', () => onDisconnecting(rt, socket));
}

function onDisconnecting(rt: RealtimeRuntime, socket: Socket): void {
  const s = scopeOf(rt, socket);
  const left = [...socket.rooms].flatMap((room) => channelOfRoom(s.user.appId, room) ?? []);
  // Presence is recomputed once this socket has left its rooms.
  setImmediate(() => {
    for (const channelId of left) {
      const work = getChannel(s.ctx, channelId)
        .then((channel) => announcePresence(s, channelId, channel.type, false))
        .catch(() => undefined)
        .finally(() => rt.settling.delete(work));
      rt.settling.add(work);
    }
  });
}

/** Whether this user joins the app's moderator room (app-wide moderators and admins). */
export function joinsModeratorRoom(user: ChatUser): boolean {
  return isChannelModerator({ type: 'user', userId: user.userId, role: user.role }, null);
}
