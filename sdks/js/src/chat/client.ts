// The browser chat client: one Socket.IO connection per user, channels, platform events, reconnects and token refresh.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  CLOSING_EVENT,
  SERVER_EVENT,
  type Ack,
  type AckOk,
  type AnyEventType,
  type Attachment,
  type ChatErrorCode,
  type ChatMessage,
  type ClientRequestName,
  type ClientRequests,
  type ClosingNotice,
  type EventEnvelope,
  type EventsSubscribeRequest,
  type HandshakeError,
} from '../generated/protocol';
import { ChatChannel, type ChannelTransport } from './channel';
import { Emitter } from './emitter';
import { ChatError } from './errors';
import { tokenExpiry } from './token';

export interface ChatClientOptions {
  /** The realtime service, e.g. `http://localhost:8081`. */
  url: string;
  /** A user token minted by your backend (`platform.createUserToken`). */
  token?: string;
  /** Called for a fresh token before the current one expires and after the server refuses it. */
  tokenProvider?: () => string | Promise<string>;
  /** How long a request waits for its acknowledgement; default 10 000 ms. */
  requestTimeoutMs?: number;
  /** How long `connect` waits for the first connection before it rejects with `timeout`; default 20 000 ms. */
  connectTimeoutMs?: number;
  /** The API (control plane), e.g. `http://localhost:8080`: with `appId`, `channel.uploadImage` works. */
  apiUrl?: string;
  /** The app the user token belongs to, for uploads. */
  appId?: string;
  /** Passed to socket.io-client (transports, reconnection delays, …). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

type PlatformEvents = { [K in AnyEventType]: EventEnvelope<K> };

export interface ChatClientEvents extends PlatformEvents {
  /** Every platform event this user receives. */
  event: EventEnvelope;
  connection: { state: ConnectionState; reason?: string };
  /** The server's reason before it closes the connection (banned, token_expired, server_shutdown, …). */
  closing: ClosingNotice;
  /** A channel caught up after a reconnect; `recovered` messages were missed while away. */
  resync: { channelId: string; recovered: number };
  error: ChatError;
}

const REFRESH_MARGIN_SECONDS = 30;
const SEND_ATTEMPTS = 4;
const NO_RECONNECT: ReadonlySet<string> = new Set(['banned', 'api_key_revoked']);
const TOKEN_CODES: ReadonlySet<string> = new Set(['token_expired', 'unauthorized']);

function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ChatClient extends Emitter<ChatClientEvents> {
  /** Connects and resolves once the server accepted the token. */
  static async connect(options: ChatClientOptions): Promise<ChatClient> {
    const client = new ChatClient(options);
    await client.open();
    return client;
  }

  private readonly socket: Socket;
  private readonly channels = new Map<string, ChatChannel>();
  private readonly timeoutMs: number;
  private token: string | undefined;
  private refreshNeeded = false;
  private tokenRetries = 0;
  private everConnected = false;
  private closedByUser = false;
  private lastNotice: ClosingNotice | undefined;
  private stateValue: ConnectionState = 'connecting';
  /** Settles when every joined channel is joined again after a reconnect; requests wait for it. */
  private rejoined: Promise<void> = Promise.resolve();
  private readonly transport: ChannelTransport;

  private constructor(private readonly options: ChatClientOptions) {
    super();
    if (!options.url) throw new TypeError('url is required, e.g. http://localhost:8081');
    if (!options.token && !options.tokenProvider) throw new TypeError('token or tokenProvider is required');
    this.token = options.token;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.socket = io(options.url, {
      autoConnect: false,
      transports: ['websocket'],
      reconnectionDelay: 300,
      reconnectionDelayMax: 5000,
      ...options.socketOptions,
      auth: (cb) => {
        this.currentToken().then(
          (token) => cb({ token }),
          (err: unknown) => {
            this.emit('error', new ChatError('token_provider_failed', `The token provider failed: ${String(err)}`));
            cb({ token: '' });
          },
        );
      },
    });
    this.transport = {
      request: (name, payload) => this.request(name, payload),
      resyncRequest: (name, payload) => this.send(name, payload),
      sendMessage: (payload) => this.sendMessage(payload),
      newClientId: randomId,
      ...(options.apiUrl && options.appId ? { uploadImage: (file: Blob) => this.uploadImage(file) } : {}),
    };
    this.wire();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The channel with this id (one object per id); call `join()` on it. */
  channel(id: string): ChatChannel {
    let channel = this.channels.get(id);
    if (!channel) this.channels.set(id, (channel = new ChatChannel(id, this.transport)));
    return channel;
  }

  /**
   * Receive the app's platform events (admin tokens and dashboard sessions), or one stream's: with an end user's
   * token, a stream it may watch (public, or signed with its `playbackToken`) and only live, offline and viewer
   * count.
   */
  async subscribeEvents(filter: EventsSubscribeRequest = {}): Promise<void> {
    await this.request('events.subscribe', filter);
  }

  async unsubscribeEvents(filter: { streamId?: string } = {}): Promise<void> {
    await this.request('events.unsubscribe', filter);
  }

  /** Closes the connection for good. */
  disconnect(): void {
    this.closedByUser = true;
    this.socket.disconnect();
    this.setState('disconnected', 'client');
  }

  /** Sends one request and resolves with its acknowledgement, or rejects with a ChatError. */
  async request<N extends ClientRequestName>(name: N, payload: ClientRequests[N]['request']): Promise<AckOk<N>> {
    await this.rejoined;
    return this.send(name, payload);
  }

  private async send<N extends ClientRequestName>(name: N, payload: ClientRequests[N]['request']): Promise<AckOk<N>> {
    let ack: Ack<N>;
    try {
      ack = (await this.socket.timeout(this.timeoutMs).emitWithAck(name, payload)) as Ack<N>;
    } catch {
      throw new ChatError(this.socket.connected ? 'timeout' : 'disconnected', `No answer to ${name}.`);
    }
    if (ack && 'error' in ack) throw new ChatError(ack.error.code, ack.error.message, ack.error.details);
    return ack;
  }

  private async sendMessage(payload: ClientRequests['message.send']['request']): Promise<ChatMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.request('message.send', payload)).message;
      } catch (err) {
        // A send buffered across a reconnect can reach the new connection before the channel is joined again.
        const retryable = err instanceof ChatError && ['timeout', 'disconnected', 'not_joined'].includes(err.code);
        if (!retryable || attempt >= SEND_ATTEMPTS || this.closedByUser) throw err;
        // The same clientId makes the retry idempotent: the server returns the stored message.
        if (!this.socket.connected) await this.waitForConnection();
        await this.rejoined;
      }
    }
  }

  /** POST /v1/apps/{appId}/uploads with the user token in X-User-Token; the type is checked by the bytes. */
  private async uploadImage(file: Blob): Promise<Attachment> {
    const url = `${this.options.apiUrl!.replace(/\/$/, '')}/v1/apps/${encodeURIComponent(this.options.appId!)}/uploads`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': file.type || 'application/octet-stream',
          'x-user-token': await this.currentToken(),
        },
        body: file,
      });
    } catch (err) {
      throw new ChatError('upload_failed', `The upload did not reach ${url}: ${String(err)}`);
    }
    // The upload route answers with chat's codes (the protocol's chat catalog lists those of uploads).
    const body = (await res.json().catch(() => null)) as {
      url?: string;
      error?: { code: ChatErrorCode; message: string; details?: unknown };
    } | null;
    if (!res.ok || typeof body?.url !== 'string') {
      const error = body?.error;
      if (!error) throw new ChatError('upload_failed', `The upload failed (${res.status}).`);
      throw new ChatError(error.code, error.message, error.details);
    }
    return { type: 'image', url: body.url };
  }

  private waitForConnection(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.timeoutMs);
      const onConnect = () => done();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.socket.once('connect', onConnect);
    });
  }

  private async currentToken(): Promise<string> {
    const provider = this.options.tokenProvider;
    const exp = this.token ? tokenExpiry(this.token) : undefined;
    const expiring = exp !== undefined && exp - Date.now() / 1000 < REFRESH_MARGIN_SECONDS;
    if (provider && (!this.token || this.refreshNeeded || expiring)) {
      this.token = await provider();
      this.refreshNeeded = false;
    }
    return this.token ?? '';
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onFatal = (err: ChatError) => {
        cleanup();
        this.disconnect();
        reject(err);
      };
      const timer = setTimeout(
        () => onFatal(new ChatError('timeout', `Could not connect to ${this.options.url}.`)),
        this.options.connectTimeoutMs ?? 20_000,
      );
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.off('error', onFatal);
      };
      this.socket.once('connect', onConnect);
      this.on('error', onFatal);
      this.socket.connect();
    });
  }

  private setState(state: ConnectionState, reason?: string) {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('connection', reason ? { state, reason } : { state });
  }

  private wire() {
    this.socket.on('connect', () => {
      this.tokenRetries = 0;
      this.lastNotice = undefined;
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setState('connected');
      if (reconnected) this.rejoined = this.resyncAll();
    });

    this.socket.on(CLOSING_EVENT, (notice: ClosingNotice) => {
      this.lastNotice = notice;
      if (notice.code === 'token_expired') this.refreshNeeded = true;
      this.emit('closing', notice);
    });

    this.socket.on('disconnect', (reason) => {
      if (this.closedByUser) return;
      const notice = this.lastNotice;
      if (notice && NO_RECONNECT.has(notice.code)) {
        this.setState('disconnected', notice.code);
        return;
      }
      this.setState('reconnecting', reason);
      // A server-side disconnect (restart, expired token) is not retried by socket.io-client itself.
      if (reason === 'io server disconnect') setTimeout(() => this.reconnectNow(), 250 + Math.random() * 500);
    });

    this.socket.on('connect_error', (err: Error & { data?: HandshakeError }) => {
      if (this.closedByUser) return;
      const code = err.data?.code;
      if (code && TOKEN_CODES.has(code) && this.options.tokenProvider && this.tokenRetries < 3) {
        this.tokenRetries++;
        this.refreshNeeded = true;
        setTimeout(() => this.reconnectNow(), 200 * this.tokenRetries);
        return;
      }
      if (!this.socket.active) {
        // The server refused the handshake: socket.io-client will not try again on its own.
        this.setState('disconnected', code ?? err.message);
        this.emit('error', new ChatError(code ?? 'connect_failed', err.data?.message ?? err.message));
        return;
      }
      this.setState('reconnecting', err.message);
    });

    this.socket.on(SERVER_EVENT, (envelope: EventEnvelope) => this.route(envelope));
  }

  private reconnectNow() {
    if (!this.closedByUser && !this.socket.connected) this.socket.connect();
  }

  private route(envelope: EventEnvelope) {
    this.emit('event', envelope);
    this.emit(envelope.type, envelope as never);
    const channelId = (envelope.data as { channelId?: unknown } | undefined)?.channelId;
    if (typeof channelId === 'string') this.channels.get(channelId)?.handleEvent(envelope);
  }

  private async resyncAll() {
    for (const channel of this.channels.values()) {
      if (!channel.joined) continue;
      try {
        const recovered = await channel.resync();
        this.emit('resync', { channelId: channel.id, recovered });
      } catch (err) {
        const e = err instanceof ChatError ? err : new ChatError('resync_failed', String(err));
        this.emit('error', e);
      }
    }
  }
}
