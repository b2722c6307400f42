// The chat collections, their documents and indexes: their one owner. Nothing else names them; tenant data is read
// and written through the tenant views of chatRepos(store)(appId), uploadsOf and chatSettingsOf.
import {
  tenantCollection,
  type Collection,
  type DocumentStore,
  type IndexSpec,
  type TenantCollection,
} from '@beamline/core';
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

/** One stored upload (an image for chat); the file lives under DATA_DIR at `path`. */
export interface UploadDoc {
  /** `upl_…` */
  id: string;
  appId: string;
  /** The end user who uploaded it with their user token; absent for uploads of an API key or a member. */
  userId?: string;
  /** The API key (`key_…`) or the member's developer account (`usr_…`) that uploaded it, when not an end user. */
  actorId?: string;
  contentType: string;
  size: number;
  /** Relative to DATA_DIR, e.g. `uploads/app_…/upl_….png`. */
  path: string;
  /** Where it is served: the only URL under which a message may attach it. */
  url: string;
  createdAt: string;
}

/** The app's chat settings (one document per app, id = appId). */
export interface ChatSettingsDoc {
  id: string;
  appId: string;
  /** Hosts (`cdn.example.com`, `*.example.com`) whose images messages may attach besides the app's uploads. */
  attachmentHosts: string[];
  updatedAt: string;
}

/** The name of each chat collection; only this module uses them. */
const NAMES = {
  channels: 'channels',
  messages: 'messages',
  publishedMarks: 'published_messages',
  bans: 'bans',
  mutes: 'mutes',
  blocklists: 'blocklists',
  reactions: 'message_reactions',
  uploads: 'uploads',
  settings: 'chat_settings',
} as const;

/** Collections whose documents belong to one app (exported and wiped with the app). */
export const CHAT_COLLECTIONS = Object.values(NAMES);

export const CHAT_INDEXES: IndexSpec[] = [
  ...CHAT_COLLECTIONS.map((collection) => ({ collection, fields: ['appId'] })),
  { collection: NAMES.messages, fields: ['channelId', 'createdAt'] },
  // Only replies carry a parentId. Sparse, the index leaves top-level messages out: in the embedded store they
  // would all share its one empty key, and each update of one would cost time in proportion to their number.
  { collection: NAMES.messages, fields: ['parentId'], sparse: true },
  { collection: NAMES.bans, fields: ['userId'] },
  { collection: NAMES.mutes, fields: ['userId'] },
  { collection: NAMES.reactions, fields: ['messageId'] },
  { collection: NAMES.uploads, fields: ['userId'], sparse: true },
];

export interface ChatRepos {
  channels: TenantCollection<ChannelDoc>;
  messages: TenantCollection<MessageDoc>;
  publishedMarks: TenantCollection<PublishedMarkDoc>;
  bans: TenantCollection<BanDoc>;
  mutes: TenantCollection<MuteDoc>;
  blocklists: TenantCollection<BlocklistDoc>;
  reactions: TenantCollection<ReactionDoc>;
  uploads: TenantCollection<UploadDoc>;
  settings: TenantCollection<ChatSettingsDoc>;
}

/**
 * The messages collection across apps, for the one write that groups the inserts of several apps' sends (every
 * document carries its appId; see message-writes.ts), and the published marks it keeps beside them.
 */
export function messageCollections(store: DocumentStore): {
  messages: Collection<MessageDoc>;
  publishedMarks: Collection<PublishedMarkDoc>;
} {
  return {
    messages: store.collection<MessageDoc>(NAMES.messages),
    publishedMarks: store.collection<PublishedMarkDoc>(NAMES.publishedMarks),
  };
}

export function chatRepos(store: DocumentStore): (appId: string) => ChatRepos {
  const { messages, publishedMarks } = messageCollections(store);
  const channels = store.collection<ChannelDoc>(NAMES.channels);
  const bans = store.collection<BanDoc>(NAMES.bans);
  const mutes = store.collection<MuteDoc>(NAMES.mutes);
  const blocklists = store.collection<BlocklistDoc>(NAMES.blocklists);
  const reactions = store.collection<ReactionDoc>(NAMES.reactions);
  return (appId) => ({
    channels: tenantCollection(channels, appId),
    messages: tenantCollection(messages, appId),
    publishedMarks: tenantCollection(publishedMarks, appId),
    bans: tenantCollection(bans, appId),
    mutes: tenantCollection(mutes, appId),
    blocklists: tenantCollection(blocklists, appId),
    reactions: tenantCollection(reactions, appId),
    uploads: uploadsOf(store, appId),
    settings: chatSettingsOf(store, appId),
  });
}

export function uploadsOf(store: DocumentStore, appId: string): TenantCollection<UploadDoc> {
  return tenantCollection(store.collection<UploadDoc>(NAMES.uploads), appId);
}

export function chatSettingsOf(store: DocumentStore, appId: string): TenantCollection<ChatSettingsDoc> {
  return tenantCollection(store.collection<ChatSettingsDoc>(NAMES.settings), appId);
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
