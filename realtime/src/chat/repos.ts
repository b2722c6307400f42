// The chat collections, their documents and indexes. Every read and write goes through forApp(appId).
import { tenantCollection, type DocumentStore, type IndexSpec, type TenantCollection } from '@beamline/core';
import type { Channel, ChatMessage } from '@beamline/protocol';

export type ChannelDoc = Channel & { appId: string };

export interface MessageDoc extends ChatMessage {
  appId: string;
  /** Set once chat.message.new went out, by earlier versions; marks are now PublishedMarkDocs. */
  published?: boolean;
}

/** A message whose chat.message.new went out, so that a resend after a crash publishes what never went out. */
export interface PublishedMarkDoc {
  /** The message's id. */
  id: string;
  appId: string;
}

export interface BanDoc {
  id: string;
  appId: string;
  userId: string;
  /** Absent for an app-wide ban. */
  channelId?: string;
  reason?: string;
  until?: string;
  shadow: boolean;
  by: string;
  createdAt: string;
}

export interface MuteDoc {
  id: string;
  appId: string;
  userId: string;
  channelId?: string;
  until: string;
  by: string;
  createdAt: string;
}

export interface BlocklistDoc {
  /** The app id: one blocklist per app. */
  id: string;
  appId: string;
  words: string[];
  mode: 'block' | 'mask';
  updatedAt: string;
}

export interface ReactionDoc {
  /** messageId:userId:type, so a second identical reaction is a duplicate key. */
  id: string;
  appId: string;
  messageId: string;
  userId: string;
  type: string;
  createdAt: string;
}

/** Collections whose documents belong to one app (wiped with the app). */
export const CHAT_COLLECTIONS = [
  'channels',
  'messages',
  'published_messages',
  'bans',
  'mutes',
  'blocklists',
  'message_reactions',
] as const;

export const CHAT_INDEXES: IndexSpec[] = [
  ...CHAT_COLLECTIONS.map((collection) => ({ collection, fields: ['appId'] })),
  { collection: 'messages', fields: ['channelId', 'createdAt'] },
  // Only replies carry a parentId. Sparse, the index leaves top-level messages out: in the embedded store they
  // would all share its one empty key, and each update of one would cost time in proportion to their number.
  { collection: 'messages', fields: ['parentId'], sparse: true },
  { collection: 'bans', fields: ['userId'] },
  { collection: 'mutes', fields: ['userId'] },
  { collection: 'message_reactions', fields: ['messageId'] },
];

export interface ChatRepos {
  channels: TenantCollection<ChannelDoc>;
  messages: TenantCollection<MessageDoc>;
  bans: TenantCollection<BanDoc>;
  mutes: TenantCollection<MuteDoc>;
  blocklists: TenantCollection<BlocklistDoc>;
  reactions: TenantCollection<ReactionDoc>;
}

export function chatRepos(store: DocumentStore) {
  const channels = store.collection<ChannelDoc>('channels');
  const messages = store.collection<MessageDoc>('messages');
  const bans = store.collection<BanDoc>('bans');
  const mutes = store.collection<MuteDoc>('mutes');
  const blocklists = store.collection<BlocklistDoc>('blocklists');
  const reactions = store.collection<ReactionDoc>('message_reactions');
  return (appId: string): ChatRepos => ({
    channels: tenantCollection(channels, appId),
    messages: tenantCollection(messages, appId),
    bans: tenantCollection(bans, appId),
    mutes: tenantCollection(mutes, appId),
    blocklists: tenantCollection(blocklists, appId),
    reactions: tenantCollection(reactions, appId),
  });
}

/** A stored message as clients see it (no tenant or bookkeeping fields). */
export function publicMessage(doc: MessageDoc): ChatMessage {
  const { appId: _appId, published: _published, ...message } = doc;
  return message;
}

export function publicChannel(doc: ChannelDoc): Channel {
  const { appId: _appId, ...channel } = doc;
  return channel;
}
