// Who may load a playback id: its policy (from the control plane, cached briefly) and, for signed streams, a
// playback token checked against the app's API secrets (on public streams a valid token only names its viewer).
// A verification is cached under the app whose keys checked it and the token, so a token opens only streams of
// the app whose key signed it.
import { playbackClaims, playbackTokenKid, type Logger } from '@beamline/core';
import type { ControlPlaneClient, PlaybackInfo } from '../control-plane';

export type Denial = 'token_required' | 'token_invalid' | 'token_expired' | 'token_wrong_stream';
export type Grant = { ok: true; viewer: string | null };
export type Check = Grant | { ok: false; code: Denial };

interface CachedInfo {
  info: PlaybackInfo | null;
  until: number;
}
interface CachedToken {
  /** The app whose keys verified (or refused) the token. */
  appId: string;
  sub: string | null;
  exp: number;
  viewer: string;
  until: number;
}

const MAX_CACHED = 100_000;
const GRANT_NO_TOKEN: Grant = { ok: true, viewer: null };

export class PlaybackAccess {
  private readonly infos = new Map<string, CachedInfo>();
  private readonly pending = new Map<string, Promise<PlaybackInfo | null>>();
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly cp: ControlPlaneClient,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** The policy when cached and fresh (null: known to be unknown), else undefined. */
  cached(playbackId: string, now: number): PlaybackInfo | null | undefined {
    const hit = this.infos.get(playbackId);
    return hit && hit.until > now ? hit.info : undefined;
  }

  /** The cached policy when fresh (sync fast path), else a promise of it. null: unknown playback id. */
  info(playbackId: string, now: number): PlaybackInfo | null | Promise<PlaybackInfo | null> {
    const hit = this.infos.get(playbackId);
    if (hit && hit.until > now) return hit.info;
    let pending = this.pending.get(playbackId);
    if (!pending) {
      pending = this.cp
        .playback(playbackId)
        .then((info) => {
          if (this.infos.size > MAX_CACHED) this.infos.clear();
          // unknown ids are remembered for a shorter time: a stream created a moment ago becomes visible quickly
          this.infos.set(playbackId, { info, until: Date.now() + (info ? this.ttlMs : Math.min(this.ttlMs, 2_000)) });
          return info;
        })
        .catch((err: unknown) => {
          this.log.warn({ err, playbackId }, 'control plane not reachable for playback info');
          if (hit) return hit.info; // keep serving what we knew
          throw err;
        })
        .finally(() => this.pending.delete(playbackId));
      this.pending.set(playbackId, pending);
    }
    return pending;
  }

  /**
   * Checks a request's token against the playback id's policy. A public stream plays without one; a valid token
   * for it still names its viewer (its viewerId), an invalid one is ignored there.
   */
  check(info: PlaybackInfo, token: string | null, now: number): Check {
    if (info.playbackPolicy === 'public') {
      if (!token) return GRANT_NO_TOKEN;
      const verdict = this.judge(info, token, now);
      return verdict.ok ? verdict : GRANT_NO_TOKEN;
    }
    if (!token) return { ok: false, code: 'token_required' };
    return this.judge(info, token, now);
  }

  private judge(info: PlaybackInfo, token: string, now: number): Check {
    const key = `${info.appId}\n${token}`;
    let cached = this.tokens.get(key);
    if (!cached || cached.until <= now || cached.appId !== info.appId) {
      cached = this.verify(info, token, now);
      if (this.tokens.size > MAX_CACHED) this.tokens.clear();
      this.tokens.set(key, cached);
    }
    if (cached.sub === null) return { ok: false, code: 'token_invalid' };
    if (cached.exp * 1000 <= now) return { ok: false, code: 'token_expired' };
    if (cached.sub !== info.playbackId) return { ok: false, code: 'token_wrong_stream' };
    return { ok: true, viewer: cached.viewer };
  }

  private verify(info: PlaybackInfo, token: string, now: number): CachedToken {
    const until = now + this.ttlMs;
    const invalid: CachedToken = { appId: info.appId, sub: null, exp: 0, viewer: '', until };
    const kid = playbackTokenKid(token);
    const key = kid ? info.keys.find((k) => k.key === kid) : undefined;
    const claims = key ? playbackClaims(token, key.secrets) : null;
    if (!claims) return invalid;
    const viewer = claims.viewerId ? `v:${claims.viewerId}` : `t:${token.slice(-24)}`;
    return { appId: info.appId, sub: claims.sub, exp: claims.exp, viewer, until };
  }
}
