// An HLS video element: hls.js where Media Source Extensions exist, native HLS elsewhere (Safari, iOS).
// The light build: HLS with ABR, without subtitles, alternate audio or DRM, which live streams here do not use.
import { keepNearLiveEdge } from '@beamline/sdk/player/live-edge';
import Hls, { type Level } from 'hls.js/light';
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';

export interface Quality {
  /** -1 is Auto (adaptive). */
  index: number;
  label: string;
}

export interface HlsPlayerHandle {
  video: HTMLVideoElement | null;
  setQuality(index: number): void;
}

interface Props {
  src: string | null;
  live?: boolean;
  autoPlay?: boolean;
  muted?: boolean;
  className?: string;
  onQualities?(qualities: Quality[], current: number): void;
  onFatalError?(message: string): void;
  /** Called when playback starts or stops producing frames. */
  onPlaying?(playing: boolean): void;
}

const qualityLabel = (l: Level) => (l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbps`);

export const HlsPlayer = forwardRef<HlsPlayerHandle, Props>(function HlsPlayer(
  { src, live, autoPlay = true, muted = true, className, onQualities, onFatalError, onPlaying },
  ref,
) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [error, setError] = useState<string | null>(null);
  const callbacks = useRef({ onQualities, onFatalError, onPlaying });
  callbacks.current = { onQualities, onFatalError, onPlaying };

  useImperativeHandle(ref, () => ({
    get video() {
      return videoRef.current;
    },
    setQuality: (index: number) => {
      if (hlsRef.current) hlsRef.current.currentLevel = index;
    },
  }));

  useEffect(() => {
    const video = videoRef.current;
    setError(null);
    if (!video || !src) return;
    const fail = (message: string) => {
      setError(message);
      callbacks.current.onFatalError?.(message);
    };
    if (Hls.isSupported()) {
      // A stream that has just gone live may not have its playlist yet: keep asking for a while.
      const retry = { maxNumRetry: 8, retryDelayMs: 1000, maxRetryDelayMs: 4000 };
      const hls = new Hls({
        lowLatencyMode: !!live,
        backBufferLength: live ? 30 : 90,
        manifestLoadPolicy: {
          default: { maxTimeToFirstByteMs: 10_000, maxLoadTimeMs: 20_000, timeoutRetry: retry, errorRetry: retry },
        },
      });
      hlsRef.current = hls;
      // Expose the instance for diagnostics and browser tests.
      (video as HTMLVideoElement & { hls?: Hls }).hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
        const qualities = data.levels.map((l, index) => ({ index, label: qualityLabel(l) }));
        callbacks.current.onQualities?.([{ index: -1, label: 'Auto' }, ...qualities], -1);
        if (autoPlay) void video.play().catch(() => undefined);
      });
      // The SDK's rule: live streams play about two short segments, or a segment and a half, behind the live edge.
      hls.on(Hls.Events.LEVEL_UPDATED, (_e, data) => keepNearLiveEdge(hls, data.details));
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        fail(
          data.type === Hls.ErrorTypes.NETWORK_ERROR
            ? 'The video could not be loaded. The stream may have ended, or the link has expired.'
            : `Playback failed (${data.details}).`,
        );
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      return () => {
        hls.destroy();
        hlsRef.current = null;
      };
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src;
      callbacks.current.onQualities?.([{ index: -1, label: 'Auto' }], -1);
      const onError = () => fail('The video could not be loaded.');
      video.addEventListener('error', onError);
      if (autoPlay) void video.play().catch(() => undefined);
      return () => {
        video.removeEventListener('error', onError);
        video.removeAttribute('src');
        video.load();
      };
    }
    fail('This browser cannot play HLS video.');
  }, [src, live, autoPlay]);

  return (
    <div className={`video-frame ${className ?? ''}`}>
      <video
        ref={videoRef}
        controls
        playsInline
        muted={muted}
        onPlaying={() => callbacks.current.onPlaying?.(true)}
        onWaiting={() => callbacks.current.onPlaying?.(false)}
        onPause={() => callbacks.current.onPlaying?.(false)}
      />
      {error && (
        <div className="video-overlay" role="alert">
          {error}
        </div>
      )}
    </div>
  );
});
