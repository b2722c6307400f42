// Chat from the server: channels, their messages and custom events, moderation, end users, uploads.
import type { PageIterator } from './pagination';
import { Resource } from './resource';
import type { OpBody, OpQuery, OpResult, Schemas } from './types';

export type ChatChannel = Schemas['Channel'];
export type StoredChatMessage = Schemas['ChatMessage'];
export type Restriction = Schemas['Restriction'];
export type Blocklist = Schemas['Blocklist'];
export type ChatSettings = Schemas['ChatSettings'];
export type Upload = Schemas['Upload'];

const CHANNEL = '/v1/apps/{appId}/channels/{channelId}';

export class ChannelsResource extends Resource {
  /** A channel; `id` is optional (a stream's own channel has the stream's id and is made on first join). */
  create(body: OpBody<'createChannel'>): Promise<ChatChannel> {
    return this.request('createChannel', 'POST', '/v1/apps/{appId}/channels', { body });
  }

  list(query: OpQuery<'listChannels'> = {}): PageIterator<ChatChannel> {
    return this.paginate('listChannels', '/v1/apps/{appId}/channels', { query });
  }

  retrieve(channelId: string): Promise<ChatChannel> {
    return this.request('getChannel', 'GET', CHANNEL, { params: { channelId } });
  }

  update(channelId: string, body: OpBody<'updateChannel'>): Promise<ChatChannel> {
    return this.request('updateChannel', 'PATCH', CHANNEL, { params: { channelId }, body });
  }

  delete(channelId: string): Promise<OpResult<'deleteChannel'>> {
    return this.request('deleteChannel', 'DELETE', CHANNEL, { params: { channelId } });
  }

  /** Stored messages, newest first; `q` searches their text. */
  listMessages(channelId: string, query: OpQuery<'listMessages'> = {}): PageIterator<StoredChatMessage> {
    return this.paginate('listMessages', `${CHANNEL}/messages`, { params: { channelId }, query });
  }

  deleteMessage(channelId: string, messageId: string): Promise<OpResult<'deleteMessage'>> {
    return this.request('deleteMessage', 'DELETE', `${CHANNEL}/messages/{messageId}`, {
      params: { channelId, messageId },
    });
  }

  /** Sends a `custom` event (a score, a poll) to everyone in the channel. */
  sendEvent(channelId: string, body: OpBody<'sendCustomEvent'>): Promise<OpResult<'sendCustomEvent'>> {
    return this.request('sendCustomEvent', 'POST', `${CHANNEL}/events`, { params: { channelId }, body });
  }
}

export class ModerationResource extends Resource {
  /** Bans a user from one channel (`channelId`) or the whole app; `shadow` hides their messages from others. */
  ban(body: OpBody<'banUser'>): Promise<Restriction> {
    return this.request('banUser', 'POST', '/v1/apps/{appId}/bans', { body });
  }

  unban(userId: string, query: OpQuery<'unbanUser'> = {}): Promise<OpResult<'unbanUser'>> {
    return this.request('unbanUser', 'DELETE', '/v1/apps/{appId}/bans/{userId}', { params: { userId }, query });
  }

  listBans(query: OpQuery<'listBans'> = {}): PageIterator<Restriction> {
    return this.paginate('listBans', '/v1/apps/{appId}/bans', { query });
  }

  mute(body: OpBody<'muteUser'>): Promise<Restriction> {
    return this.request('muteUser', 'POST', '/v1/apps/{appId}/mutes', { body });
  }

  unmute(userId: string, query: OpQuery<'unmuteUser'> = {}): Promise<OpResult<'unmuteUser'>> {
    return this.request('unmuteUser', 'DELETE', '/v1/apps/{appId}/mutes/{userId}', { params: { userId }, query });
  }

  listMutes(query: OpQuery<'listMutes'> = {}): PageIterator<Restriction> {
    return this.paginate('listMutes', '/v1/apps/{appId}/mutes', { query });
  }

  getBlocklist(): Promise<Blocklist> {
    return this.request('getBlocklist', 'GET', '/v1/apps/{appId}/blocklist');
  }

  /** Replaces the blocklist: `block` refuses messages with these words, `mask` stars them. */
  setBlocklist(body: OpBody<'setBlocklist'>): Promise<Blocklist> {
    return this.request('setBlocklist', 'PUT', '/v1/apps/{appId}/blocklist', { body });
  }

  /** The hosts whose images messages may attach, besides the app's own uploads. */
  getChatSettings(): Promise<ChatSettings> {
    return this.request('getChatSettings', 'GET', '/v1/apps/{appId}/chat-settings');
  }

  /** Replaces the chat settings: `attachmentHosts` like `cdn.example.com` or `*.example.com`. */
  setChatSettings(body: OpBody<'setChatSettings'>): Promise<ChatSettings> {
    return this.request('setChatSettings', 'PUT', '/v1/apps/{appId}/chat-settings', { body });
  }
}

const END_USER = '/v1/apps/{appId}/users/{userId}/data';

export class UsersResource extends Resource {
  /**
   * A user token minted by the platform (a round trip). `platform.createUserToken` signs the same token
   * locally, without a request.
   */
  createToken(body: OpBody<'createUserToken'>): Promise<OpResult<'createUserToken'>> {
    return this.request('createUserToken', 'POST', '/v1/apps/{appId}/users/tokens', { body });
  }

  /** Everything stored about one end user (messages, bans, mutes, …), for a data-access request. */
  exportData(userId: string): Promise<OpResult<'exportEndUserData'>> {
    return this.request('exportEndUserData', 'GET', END_USER, { params: { userId } });
  }

  /** Erases one end user's data; answers how many records of each kind were removed. */
  forget(userId: string): Promise<OpResult<'forgetEndUser'>> {
    return this.request('forgetEndUser', 'DELETE', END_USER, { params: { userId } });
  }
}

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export class UploadsResource extends Resource {
  /** Stores an image for a message attachment (`{ type: 'image', url }`). */
  image(data: Blob | ArrayBuffer | Uint8Array, contentType: ImageType): Promise<OpResult<'uploadImage'>> {
    return this.request('uploadImage', 'POST', '/v1/apps/{appId}/uploads', { raw: { data, contentType } });
  }

  /** The app's uploads, newest first; `userId` keeps one end user's. */
  list(query: OpQuery<'listUploads'> = {}): PageIterator<Upload> {
    return this.paginate('listUploads', '/v1/apps/{appId}/uploads', { query });
  }

  /** Deletes an upload: its file stops being served. */
  delete(uploadId: string): Promise<OpResult<'deleteUpload'>> {
    return this.request('deleteUpload', 'DELETE', '/v1/apps/{appId}/uploads/{uploadId}', { params: { uploadId } });
  }
}

export class RealtimeResource extends Resource {
  /** A token for the app's own server-side realtime connection (live events, moderation as the app). */
  createToken(): Promise<OpResult<'createRealtimeToken'>> {
    return this.request('createRealtimeToken', 'POST', '/v1/apps/{appId}/realtime-token');
  }
}
