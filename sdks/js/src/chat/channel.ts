// One chat channel: join, send, history, typing, reactions, moderation, and gap-free delivery across reconnects.
import type {
  AckOk,
  Attachment,
  BanRequest,
  Channel as ChannelInfo,
  ChatMessage,
  ClientRequestName,
  ClientRequests,
  EventEnvelope,
  EventPayloads,
  HistoryRequest,
  PresenceMember,
} from '../generated/protocol';
import { Emitter } from './emitter';
import { ChatError } from './errors';

export interface ChannelEvents {
  /** A new message, exactly once and in order, including after a reconnect. */
  message: ChatMessage;
  updated: ChatMessage;
  deleted: EventPayloads['chat.message.deleted'];
  typing: { userId: string; typing: boolean };
  presence: EventPayloads['presence.changed'];
  reaction: EventPayloads['reaction.sent'];
  /** Bans, mutes, slow mode and other moderation of this channel. */
  moderation: EventEnvelope;
  /** Every platform event about this channel. */
  event: EventEnvelope;
}

export interface ChannelTransport {
  request<N extends ClientRequestName>(name: N, payload: ClientRequests[N]['request']): Promise<AckOk<N>>;
  /** The same, without waiting for the rejoin after a reconnect (the rejoin itself uses it). */
  resyncRequest<N extends ClientRequestName>(name: N, payload: ClientRequests[N]['request']): Promise<AckOk<N>>;
  /** Sends a message, retrying with the same clientId across reconnects. */
  sendMessage(payload: ClientRequests['message.send']['request']): Promise<ChatMessage>;
  newClientId(): string;
  /** Uploads an image as the connected user (the client's apiUrl and appId options). */
  uploadImage?(file: Blob): Promise<Attachment>;
}

export interface JoinResult {
  channel: ChannelInfo;
  messages: ChatMessage[];
  members: PresenceMember[];
}

const SEEN_MAX = 5000;
const GAP_FILL_PAGES = 25;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 5000;

const byTime = (a: ChatMessage, b: ChatMessage) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;

export class ChatChannel extends Emitter<ChannelEvents> {
  private joinedState = false;
  private readonly seen = new Set<string>();
  private newest: ChatMessage | undefined;
  private resyncing = false;
  private buffered: ChatMessage[] = [];
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    private readonly transport: ChannelTransport,
  ) {
    super();
  }

  get joined(): boolean {
    return this.joinedState;
  }

  /** Joins the channel: recent messages (oldest first) and who is here. */
  async join(): Promise<JoinResult> {
    const reply = await this.transport.request('channel.join', { channelId: this.id });
    this.joinedState = true;
    const messages = [...reply.messages].sort(byTime);
    for (const m of messages) this.remember(m);
    return { channel: reply.channel, messages, members: reply.members };
  }

  async leave(): Promise<void> {
    this.joinedState = false;
    await this.transport.request('channel.leave', { channelId: this.id });
  }

  /** Sends a message; resolves with the stored message once the server has it. */
  send(text: string, options: { parentId?: string; attachments?: Attachment[]; clientId?: string } = {}) {
    return this.transport
      .sendMessage({
        channelId: this.id,
        text,
        clientId: options.clientId ?? this.transport.newClientId(),
        ...(options.parentId ? { parentId: options.parentId } : {}),
        ...(options.attachments ? { attachments: options.attachments } : {}),
      })
      .then((message) => {
        this.deliver(message);
        return message;
      });
  }

  /**
   * Uploads an image (a browser File or Blob: PNG, JPEG, GIF or WebP, within the app's plan limit) as the
   * connected user, and resolves with the attachment to send: `channel.send('', { attachments: [a] })`.
   * Needs the client's `apiUrl` and `appId` options.
   */
  uploadImage(file: Blob): Promise<Attachment> {
    if (!this.transport.uploadImage) {
      return Promise.reject(new ChatError('not_configured', 'Uploads need the apiUrl and appId options.'));
    }
    return this.transport.uploadImage(file);
  }

  /** A page of messages, oldest first: `before` pages back, `after` pages forward, `parentId` a thread. */
  async history(query: Omit<HistoryRequest, 'channelId'> = {}): Promise<{ messages: ChatMessage[]; hasMore: boolean }> {
    const reply = await this.transport.request('history', { channelId: this.id, ...query });
    return { messages: reply.messages, hasMore: reply.hasMore };
  }

  async update(messageId: string, text: string): Promise<ChatMessage> {
    return (await this.transport.request('message.update', { messageId, text })).message;
  }

  /** Deletes one of the user's own messages (moderators: any, see deleteMessage). */
  async delete(messageId: string): Promise<void> {
    await this.transport.request('message.delete', { messageId });
  }

  /** Adds (or with remove, takes back) a reaction to a message. */
  async react(messageId: string, type: string, options: { remove?: boolean } = {}): Promise<ChatMessage> {
    const reply = await this.transport.request('message.react', { messageId, type, ...options });
    return reply.message;
  }

  /** A live reaction to the stream or channel (hearts, claps), not stored on a message. */
  async sendReaction(type: string): Promise<void> {
    await this.transport.request('reaction.send', { channelId: this.id, type });
  }

  async startTyping(): Promise<void> {
    this.typingSentAt = Date.now();
    await this.transport.request('typing.start', { channelId: this.id });
  }

  async stopTyping(): Promise<void> {
    clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    this.typingSentAt = 0;
    await this.transport.request('typing.stop', { channelId: this.id });
  }

  /** Call on every keystroke: sends typing.start at most every 3 s and typing.stop after 5 s of quiet. */
  keystroke(): void {
    if (Date.now() - this.typingSentAt > TYPING_REPEAT_MS) void this.startTyping().catch(() => undefined);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => void this.stopTyping().catch(() => undefined), TYPING_IDLE_MS);
  }

  // Moderation: allowed for moderators and admins (token role) or the channel's own moderators.

  async ban(userId: string, options: Omit<BanRequest, 'userId' | 'channelId'> & { appWide?: boolean } = {}) {
    const { appWide, ...rest } = options;
    await this.transport.request('moderation.ban', { userId, ...rest, ...(appWide ? {} : { channelId: this.id }) });
  }

  async unban(userId: string, options: { appWide?: boolean } = {}): Promise<void> {
    await this.transport.request('moderation.unban', { userId, ...(options.appWide ? {} : { channelId: this.id }) });
  }

  async mute(userId: string, durationSeconds: number): Promise<{ until: string }> {
    const reply = await this.transport.request('moderation.mute', { userId, channelId: this.id, durationSeconds });
    return { until: reply.until };
  }

  async unmute(userId: string): Promise<void> {
    await this.transport.request('moderation.unmute', { userId, channelId: this.id });
  }

  /** One message per `seconds` per user; 0 turns slow mode off. */
  async slowMode(seconds: number): Promise<ChannelInfo> {
    return (await this.transport.request('moderation.slowmode', { channelId: this.id, seconds })).channel;
  }

  /** Deletes anyone's message, as a moderator. */
  async deleteMessage(messageId: string): Promise<void> {
    await this.transport.request('moderation.delete', { messageId });
  }

  /** @internal Routes one envelope of this channel. */
  handleEvent(envelope: EventEnvelope): void {
    this.emit('event', envelope);
    switch (envelope.type) {
      case 'chat.message.new': {
        const { message } = envelope.data as EventPayloads['chat.message.new'];
        if (this.resyncing) this.buffered.push(message);
        else this.deliver(message);
        break;
      }
      case 'chat.message.updated':
        this.emit('updated', (envelope.data as EventPayloads['chat.message.updated']).message);
        break;
      case 'chat.message.deleted':
        this.emit('deleted', envelope.data as EventPayloads['chat.message.deleted']);
        break;
      case 'typing.start':
      case 'typing.stop':
        this.emit('typing', {
          userId: (envelope.data as EventPayloads['typing.start']).userId,
          typing: envelope.type === 'typing.start',
        });
        break;
      case 'presence.changed':
        this.emit('presence', envelope.data as EventPayloads['presence.changed']);
        break;
      case 'reaction.sent':
        this.emit('reaction', envelope.data as EventPayloads['reaction.sent']);
        break;
      case 'chat.moderation':
      case 'user.banned':
      case 'user.unbanned':
      case 'user.muted':
      case 'user.unmuted':
        this.emit('moderation', envelope);
        break;
    }
  }

  /**
   * @internal After a reconnect: joins again, then pages forward from the newest message this client
   * delivered, so the app sees every message it missed once, in order, before newer live ones.
   */
  async resync(): Promise<number> {
    if (!this.joinedState) return 0;
    this.resyncing = true;
    let recovered = 0;
    try {
      const joined = await this.transport.resyncRequest('channel.join', { channelId: this.id });
      if (!this.newest) {
        for (const m of [...joined.messages].sort(byTime)) recovered += this.deliver(m) ? 1 : 0;
      } else {
        recovered += await this.fillGapAfter(this.newest.id, joined.messages);
      }
    } finally {
      const live = this.buffered.sort(byTime);
      this.buffered = [];
      this.resyncing = false;
      for (const m of live) this.deliver(m);
    }
    return recovered;
  }

  private async fillGapAfter(from: string, recent: ChatMessage[]): Promise<number> {
    let recovered = 0;
    let after = from;
    try {
      for (let page = 0; page < GAP_FILL_PAGES; page++) {
        const reply = await this.transport.resyncRequest('history', { channelId: this.id, after, limit: 200 });
        const messages = [...reply.messages].sort(byTime);
        for (const m of messages) recovered += this.deliver(m) ? 1 : 0;
        const last = messages[messages.length - 1];
        if (!reply.hasMore || !last || last.id === after) break;
        after = last.id;
      }
    } catch (err) {
      // The newest message we had was deleted meanwhile: the join's recent messages are the best anchor.
      if ((err as { code?: string }).code !== 'message_not_found') throw err;
      for (const m of [...recent].sort(byTime)) recovered += this.deliver(m) ? 1 : 0;
    }
    return recovered;
  }

  private remember(message: ChatMessage): boolean {
    if (this.seen.has(message.id)) return false;
    this.seen.add(message.id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value as string);
    if (!this.newest || byTime(this.newest, message) < 0) this.newest = message;
    return true;
  }

  private deliver(message: ChatMessage): boolean {
    if (!this.remember(message)) return false;
    this.emit('message', message);
    return true;
  }
}
