// Player entry of @beamline/sdk: `attachPlayer(video, { playbackId, baseUrl, token | tokenProvider })` over hls.js.
import Hls, { type ErrorData, type HlsConfig } from 'hls.js';
import { Emitter } from '../chat/emitter';
import { tokenExpiry } from '../chat/token';
import { keepNearLiveEdge } from './live-edge';

export { keepNearLiveEdge, liveTargetLatency, type LiveLevel } from './live-edge';

export interface PlayerOptions {
  /** The stream's playback id. */
  playbackId: string;
  /** The HLS origin (the media edge or a CDN in front of it), e.g. `http://localhost:8000`. */
  baseUrl?: string;
  /** The full master playlist URL instead of baseUrl + playbackId. */
  src?: string;
  /** A playback token, for streams whose playback policy is `signed`. */
  token?: string;
  /** Returns a fresh playback token; called before the current one expires and when the edge refuses it. */
  tokenProvider?: () => string | Promise<string>;
  /** Start playing as soon as there is media (muted autoplay works in every browser). Default true. */
  autoplay?: boolean;
  /** How often to look again while the stream is offline, in ms. Default 5000. */
  offlineRetryMs?: number;
  /** Extra hls.js settings. */
  hlsConfig?: Partial<HlsConfig>;
}

export interface QualityLevel {
  index: number;
  name: string;
  height: number;
  width: number;
  bitrate: number;
}

export type PlayerStatus = 'loading' | 'live' | 'offline' | 'ended' | 'error';

export interface PlayerEvents {
  status: PlayerStatus;
  /** The renditions on offer, best first as listed by the stream. */
  levels: QualityLevel[];
  /** The rendition now playing (index into levels). */
  level: number;
  /** A new playback token is in use. */
  token: { expiresAt: number | undefined };
  error: { code: string; message: string; fatal: boolean; details?: unknown };
}

export interface Player extends Emitter<PlayerEvents> {
  readonly status: PlayerStatus;
  readonly levels: QualityLevel[];
  /** -1 chooses automatically (the default); an index pins one rendition. */
  setLevel(index: number): void;
  /** Stops loading and frees the video element. */
  destroy(): void;
}

const REFRESH_MARGIN_SECONDS = 30;

/** The URL with its `token` query parameter set to `token` (or removed when undefined). */
export function withToken(url: string, token: string | undefined): string {
  const u = new URL(url, globalThis.location?.href);
  if (token) u.searchParams.set('token', token);
  else u.searchParams.delete('token');
  return u.toString();
}

class HlsPlayer extends Emitter<PlayerEvents> implements Player {
  status: PlayerStatus = 'loading';
  levels: QualityLevel[] = [];
  private token: string | undefined;
  private hls: Hls | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private offlineTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private destroyed = false;
  private readonly src: string;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: PlayerOptions,
  ) {
    super();
    if (!options.playbackId && !options.src) throw new TypeError('playbackId is required');
    if (!options.src && !options.baseUrl) throw new TypeError('baseUrl (the HLS origin) or src is required');
    this.src =
      options.src ??
      `${options.baseUrl!.replace(/\/+$/, '')}/hls/${encodeURIComponent(options.playbackId)}/master.m3u8`;
    this.token = options.token;
  }

  async start(): Promise<void> {
    if (!this.token && this.options.tokenProvider) await this.refreshToken();
    else this.scheduleRefresh();
    if (this.destroyed) return;
    if (!Hls.isSupported()) {
      // Safari on iOS plays HLS natively; the token rides on the master URL.
      this.video.src = withToken(this.src, this.token);
      this.setStatus('live');
      return;
    }
    this.load();
  }

  setLevel(index: number): void {
    if (this.hls) this.hls.currentLevel = index;
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.offlineTimer);
    this.hls?.destroy();
    this.hls = undefined;
    this.removeAllListeners();
  }

  private load() {
    this.hls?.destroy();
    const hls = new Hls({
      lowLatencyMode: true,
      ...this.options.hlsConfig,
      // Every playlist and segment request carries the current token, so a refresh never restarts playback.
      xhrSetup: (xhr, url) => {
        xhr.open('GET', withToken(url, this.token), true);
      },
    });
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      this.levels = data.levels.map((l, index) => ({
        index,
        name: l.name || `${l.height}p`,
        height: l.height,
        width: l.width,
        bitrate: l.bitrate,
      }));
      this.emit('levels', this.levels);
      if (this.options.autoplay !== false) void this.video.play().catch(() => undefined);
    });
    // Live streams play close to the live edge instead of three target durations behind: about two segments for
    // short (low-latency) segments, a segment and a half for longer ones, with catch-up.
    hls.on(Hls.Events.LEVEL_UPDATED, (_e, data) => keepNearLiveEdge(hls, data.details));
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => this.emit('level', data.level));
    hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
      this.setStatus(data.details.live ? 'live' : 'ended');
    });
    hls.on(Hls.Events.ERROR, (_e, data) => this.onError(data));
    hls.loadSource(withToken(this.src, this.token));
    hls.attachMedia(this.video);
  }

  private onError(data: ErrorData) {
    if (this.destroyed) return;
    const status = (data.response as { code?: number } | undefined)?.code;
    const manifestMissing = data.fatal && data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR;
    if (manifestMissing && status === 404) {
      // Not live (yet) is a state, not an error: look again later.
      this.retryWhileOffline();
      return;
    }
    this.emit('error', {
      code: data.details,
      message: data.error?.message ?? data.details,
      fatal: data.fatal,
      details: data,
    });
    if (!data.fatal) return;
    if ((status === 401 || status === 403) && this.options.tokenProvider) {
      void this.refreshToken().then(() => this.load());
      return;
    }
    if (manifestMissing) {
      // The edge did not answer: keep trying; the page shows offline meanwhile.
      this.retryWhileOffline();
      return;
    }
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      this.hls?.recoverMediaError();
      return;
    }
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      this.hls?.startLoad();
      return;
    }
    this.setStatus('error');
  }

  private retryWhileOffline() {
    this.setStatus('offline');
    clearTimeout(this.offlineTimer);
    this.offlineTimer = setTimeout(() => this.load(), this.options.offlineRetryMs ?? 5000);
  }

  private refreshToken(): Promise<void> {
    const provider = this.options.tokenProvider;
    if (!provider) return Promise.resolve();
    this.refreshing ??= Promise.resolve()
      .then(provider)
      .then((token) => {
        this.token = token;
        this.emit('token', { expiresAt: tokenExpiry(token) });
        this.scheduleRefresh();
      })
      .catch((err: unknown) => {
        this.emit('error', { code: 'token_provider_failed', message: String(err), fatal: false });
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.refreshToken(), 5000);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    const exp = this.token ? tokenExpiry(this.token) : undefined;
    if (exp === undefined || !this.options.tokenProvider || this.destroyed) return;
    const lifetime = exp - Date.now() / 1000;
    const margin = Math.min(REFRESH_MARGIN_SECONDS, Math.max(lifetime * 0.2, 1));
    this.refreshTimer = setTimeout(() => void this.refreshToken(), Math.max(0, (lifetime - margin) * 1000));
  }

  private setStatus(status: PlayerStatus) {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}

/** Plays a stream in a <video> element; refreshes its playback token before it expires. */
export function attachPlayer(video: HTMLVideoElement, options: PlayerOptions): Player {
  const player = new HlsPlayer(video, options);
  void player.start();
  return player;
}
