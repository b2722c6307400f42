// Who may send which socket request: one grant table per principal, looked up once in dispatch before any handler.
import type { ClientRequestName, UserRole } from '@beamline/protocol';
import type { ChatUser } from '@beamline/chat';

/** The principals of a socket: a token's role, and the dashboard's member session (`scope: 'dashboard'`). */
export const SOCKET_PRINCIPALS = ['guest', 'user', 'moderator', 'admin', 'dashboard'] as const;
export type SocketPrincipal = (typeof SOCKET_PRINCIPALS)[number];

/**
 * What a socket may be granted, one per request, except that `events.subscribe`/`events.unsubscribe` are two
 * actions: the app's platform events (`{}`) and one stream's (`{streamId}`).
 */
export type SocketAction =
  Exclude<ClientRequestName, 'events.subscribe' | 'events.unsubscribe'> | 'events.app' | 'events.stream';

/**
 * How far a grant reaches: a short label (the generated table in security.md) and what it means. The dispatcher
 * refuses an action without a grant; the condition a grant names is checked by the verb (it reads what it needs
 * anyway), except the channel of `guest-*` grants, checked in dispatch.
 */
export const GRANTS = {
  yes: { label: 'yes', meaning: 'within the verb’s own rules (members-only channels, bans, mutes, slow mode)' },
  own: { label: 'own messages', meaning: 'only their own messages' },
  'own-or-channel-moderator': {
    label: 'own; any as channel moderator',
    meaning: 'their own messages, and any message of a channel that names them a moderator',
  },
  'channel-moderator': {
    label: 'as channel moderator',
    meaning: 'only in channels that name them a moderator (never app-wide)',
  },
  'guest-channel': {
    label: 'own channel',
    meaning: 'only the channel of the token’s `channel` claim, unless the stream’s guest chat is `off`',
  },
  'guest-chat': {
    label: 'own channel, chat mode',
    meaning: 'only in the channel of the token’s `channel` claim, while the stream’s guest chat is `chat`',
  },
  'guest-own': {
    label: 'own messages, chat mode',
    meaning: 'their own messages in the token’s channel, while the stream’s guest chat is `chat`',
  },
  watchable: {
    label: 'streams it may watch',
    meaning:
      'a public stream, or a signed one with a valid `playbackToken`; only its viewer-facing events (live, offline, viewer count)',
  },
  'all-events': { label: 'every event', meaning: 'every event of any stream of the app' },
} as const;
export type Grant = keyof typeof GRANTS;

type GrantTable = Partial<Record<SocketAction, Grant>>;

const CHAT_VERBS = {
  'channel.join': 'yes',
  'channel.leave': 'yes',
  history: 'yes',
  'message.send': 'yes',
  'message.update': 'own',
  'message.react': 'yes',
  'typing.start': 'yes',
  'typing.stop': 'yes',
  'reaction.send': 'yes',
} as const satisfies GrantTable;

const MODERATION = [
  'moderation.ban',
  'moderation.unban',
  'moderation.mute',
  'moderation.unmute',
  'moderation.slowmode',
  'moderation.delete',
] as const;

const every = <G extends Grant>(grant: G) =>
  Object.fromEntries(MODERATION.map((a) => [a, grant])) as Record<(typeof MODERATION)[number], G>;

/** The one table: what each principal may do over the socket. A missing action is refused (`forbidden`). */
export const SOCKET_PERMISSIONS: Record<SocketPrincipal, GrantTable> = {
  guest: {
    'channel.join': 'guest-channel',
    'channel.leave': 'guest-channel',
    history: 'guest-channel',
    'message.send': 'guest-chat',
    'message.update': 'guest-own',
    'message.delete': 'guest-own',
    'message.react': 'guest-chat',
    'typing.start': 'guest-chat',
    'typing.stop': 'guest-chat',
    'reaction.send': 'guest-chat',
    'events.stream': 'watchable',
  },
  user: {
    ...CHAT_VERBS,
    'message.delete': 'own-or-channel-moderator',
    ...every('channel-moderator'),
    'events.stream': 'watchable',
  },
  moderator: { ...CHAT_VERBS, 'message.delete': 'yes', ...every('yes'), 'events.stream': 'watchable' },
  admin: {
    ...CHAT_VERBS,
    'message.delete': 'yes',
    ...every('yes'),
    'events.app': 'yes',
    'events.stream': 'all-events',
  },
  // Added to what the token's role grants: a member's dashboard follows the app's events; chat follows the role.
  dashboard: { 'events.app': 'yes', 'events.stream': 'all-events' },
};

/** Breadth, to merge a role's grant with the dashboard's: the broader one wins. */
const BREADTH: Record<Grant, number> = {
  'guest-channel': 1,
  'guest-chat': 1,
  'guest-own': 1,
  own: 1,
  'channel-moderator': 1,
  watchable: 1,
  'own-or-channel-moderator': 2,
  'all-events': 3,
  yes: 3,
};

function merge(...tables: GrantTable[]): GrantTable {
  const out: GrantTable = {};
  for (const table of tables) {
    for (const [action, grant] of Object.entries(table) as [SocketAction, Grant][]) {
      const held = out[action];
      if (!held || BREADTH[grant] > BREADTH[held]) out[action] = grant;
    }
  }
  return Object.freeze(out);
}

/** Every role's table, alone and with the dashboard's, merged once at load: a request costs one look-up. */
const MERGED = new Map<string, GrantTable>(
  (['guest', 'user', 'moderator', 'admin'] as const satisfies readonly UserRole[]).flatMap((role) => [
    [role, merge(SOCKET_PERMISSIONS[role])],
    [`${role}+dashboard`, merge(SOCKET_PERMISSIONS[role], SOCKET_PERMISSIONS.dashboard)],
  ]),
);

export function grantsOf(user: Pick<ChatUser, 'role' | 'dashboard'>): GrantTable {
  return MERGED.get(user.dashboard ? `${user.role}+dashboard` : user.role) ?? {};
}

/** The action a request asks for. */
export function actionOf(name: ClientRequestName, input: unknown): SocketAction {
  if (name === 'events.subscribe' || name === 'events.unsubscribe') {
    return (input as { streamId?: string }).streamId ? 'events.stream' : 'events.app';
  }
  return name;
}

/** The principal's name in a refusal. */
export function principalOf(user: Pick<ChatUser, 'role' | 'dashboard'>): string {
  return user.dashboard ? `${user.role} dashboard` : user.role;
}
