// The viewer's page: the stream in hls.js with a quality menu, live/offline state, viewer count, chat beside the
// video with reactions floating over it, all in the app's branding. Works on a phone.
import type { EventEnvelope } from '@beamline/protocol';
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { WatchPage } from '@beamline/sdk';
import { formatDuration, useResource } from '../components/hooks';
import { ErrorBanner, Spinner } from '../components/ui';
import { BrandedFrame, Watermark } from './BrandedFrame';
import type { HlsPlayerHandle, Quality } from './HlsPlayer';
import { BANNED_NOTICE, useGuestChat } from './useGuestChat';
import './watch.css';

// The video engine loads only once there is something to play.
const HlsPlayer = lazy(() => import('./HlsPlayer').then((m) => ({ default: m.HlsPlayer })));

/** Reactions travel as names (the realtime contract); each shows as its emoji. */
export const REACTIONS: Record<string, string> = { heart: '❤️', fire: '🔥', clap: '👏', laugh: '😂', party: '🎉' };

/** The API's refusals of a signed stream without a valid playback token: the page then shows nothing of it. */
const PRIVATE_CODES = new Set(['playback_token_required', 'playback_token_invalid']);
type Loaded = WatchPage | { private: string };

export default function Watch({ embed }: { embed?: boolean }) {
  const { playbackId } = useParams() as { playbackId: string };
  const [search] = useSearchParams();
  const token = search.get('token');
  const info = useResource<Loaded>(
    (signal) =>
      api<WatchPage>(`/v1/watch/${playbackId}`, { signal, query: { token } }).catch((err: unknown) => {
        if (err instanceof ApiError && PRIVATE_CODES.has(err.code)) return { private: err.code };
        throw err;
      }),
    [playbackId, token],
  );
  const [status, setStatus] = useState<WatchPage['stream']['status'] | null>(null);
  const [viewers, setViewers] = useState<number | null>(null);
  const [liveSince, setLiveSince] = useState<string | null>(null);
  const data = info.data && !('private' in info.data) ? info.data : undefined;

  useEffect(() => {
    if (!data) return;
    setStatus(data.stream.status);
    setViewers(data.stream.viewers);
    setLiveSince(data.stream.liveStartedAt);
    document.title = data.stream.name;
    if (data.branding.faviconUrl) {
      const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]') ?? document.createElement('link');
      link.rel = 'icon';
      link.href = data.branding.faviconUrl;
      document.head.appendChild(link);
    }
  }, [data]);

  if (info.data && 'private' in info.data)
    return <PrivateStream invalid={info.data.private === 'playback_token_invalid'} />;
  if (info.error && !data) {
    return (
      <div className="watch-error">
        <ErrorBanner message={info.error} onRetry={info.reload} />
      </div>
    );
  }
  if (!data || !status) return <Spinner />;
  const src = status === 'live' ? data.stream.hlsUrl + (token ? `?token=${encodeURIComponent(token)}` : '') : null;

  return (
    <WatchBody
      info={data}
      embed={!!embed}
      src={src}
      status={status}
      playbackToken={token}
      viewers={viewers ?? 0}
      liveSince={liveSince}
      onEvent={(e) => {
        const d = e.data as { streamId?: string; viewers?: number; startedAt?: string };
        if (d.streamId !== data.stream.id) return;
        if (e.type === 'stream.live') {
          setStatus('live');
          setLiveSince(d.startedAt ?? e.createdAt);
        } else if (e.type === 'stream.offline') {
          setStatus('offline');
          setViewers(0);
        } else if (e.type === 'viewer.count.update' && typeof d.viewers === 'number') {
          setViewers(d.viewers);
        }
      }}
    />
  );
}

/** A signed stream opened without a valid playback token: a plain notice, no name, no branding, no chat. */
function PrivateStream({ invalid }: { invalid: boolean }) {
  return (
    <div className="watch-error" data-testid="watch-private">
      <div className="video-frame">
        <div className="video-overlay offline">
          <div>
            <strong>This stream is private.</strong>
            <p>
              {invalid
                ? 'The link you followed is not valid for it, or has expired. Open it again from the site that shared it.'
                : 'Open it from the site that shared it: its link carries a playback token.'}
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}

function WatchBody({
  info,
  embed,
  src,
  status,
  playbackToken,
  viewers,
  liveSince,
  onEvent,
}: {
  info: WatchPage;
  embed: boolean;
  src: string | null;
  status: WatchPage['stream']['status'];
  playbackToken: string | null;
  viewers: number;
  liveSince: string | null;
  onEvent(e: EventEnvelope): void;
}) {
  const player = useRef<HlsPlayerHandle>(null);
  const [qualities, setQualities] = useState<Quality[]>([]);
  const [quality, setQuality] = useState(-1);
  const [fatal, setFatal] = useState<string | null>(null);
  const guestChat = info.chat.guestChat;
  const chat = useGuestChat({
    playbackId: info.stream.playbackId,
    streamId: info.stream.id,
    playbackToken,
    enabled: guestChat !== 'off',
    onStreamEvent: onEvent,
  });
  const live = status === 'live';
  const mayWrite = guestChat === 'chat' && (chat.mode ?? guestChat) === 'chat' && !chat.banned;

  return (
    <BrandedFrame
      branding={info.branding}
      className={embed ? 'watch-embed' : ''}
      title={info.stream.name}
      status={
        <div className="watch-status">
          <span className={live ? 'pill pill-live' : 'pill'} data-testid="watch-status">
            {live ? 'LIVE' : status === 'disabled' ? 'Unavailable' : 'Offline'}
          </span>
          {live && (
            <span className="watch-viewers" data-testid="watch-viewers">
              {viewers} watching
            </span>
          )}
          {live && liveSince && <LiveClock since={liveSince} />}
        </div>
      }
    >
      <div className="watch-layout">
        <div className="watch-stage">
          <div className="stage-frame" data-hls-fatal={fatal ?? undefined}>
            {src ? (
              <Suspense fallback={<div className="video-frame" />}>
                <HlsPlayer
                  ref={player}
                  src={src}
                  live
                  onQualities={(q, current) => {
                    setQualities(q);
                    setQuality(current);
                  }}
                  onFatalError={setFatal}
                />
              </Suspense>
            ) : (
              <div className="video-frame">
                <div className="video-overlay offline">
                  <div>
                    <strong>{status === 'disabled' ? 'This stream is unavailable.' : 'The stream is offline.'}</strong>
                    <p>It starts here by itself when the broadcast begins.</p>
                  </div>
                </div>
              </div>
            )}
            <Watermark branding={info.branding} />
            <div className="reactions-layer" aria-hidden="true">
              {chat.reactions.map((r) => (
                <span key={r.id} className="floating-reaction" style={{ left: `${r.left}%` }} data-reaction={r.type}>
                  {REACTIONS[r.type] ?? '✨'}
                </span>
              ))}
            </div>
          </div>
          <div className="stage-controls">
            {qualities.length > 1 && (
              <label className="quality">
                Quality
                <select
                  value={quality}
                  onChange={(e) => {
                    const index = Number(e.target.value);
                    setQuality(index);
                    player.current?.setQuality(index);
                  }}
                >
                  {qualities.map((q) => (
                    <option key={q.index} value={q.index}>
                      {q.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {mayWrite && (
              <div className="reaction-buttons" role="group" aria-label="Send a reaction">
                {Object.entries(REACTIONS).map(([type, emoji]) => (
                  <button key={type} type="button" onClick={() => void chat.react(type)} aria-label={`React ${type}`}>
                    {emoji}
                  </button>
                ))}
              </div>
            )}
          </div>
        </div>
        {guestChat !== 'off' && <ChatPanel chat={chat} mayWrite={mayWrite} />}
      </div>
    </BrandedFrame>
  );
}

function LiveClock({ since }: { since: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return <span className="watch-clock">{formatDuration((now - new Date(since).getTime()) / 1000)}</span>;
}

function ChatPanel({ chat, mayWrite }: { chat: ReturnType<typeof useGuestChat>; mayWrite: boolean }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [editingName, setEditingName] = useState(false);
  const [draftName, setDraftName] = useState(chat.name);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || sending) return;
    setSending(true);
    setSendError(null);
    try {
      await chat.send(value);
      setText('');
    } catch (err) {
      setSendError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <aside className="watch-chat" aria-label="Chat">
      <div className="chat-head">
        <strong>Chat</strong>
        {!mayWrite ? null : editingName ? (
          <form
            className="name-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (draftName.trim()) chat.rename(draftName.trim().slice(0, 40));
              setEditingName(false);
            }}
          >
            <input
              aria-label="Your name"
              value={draftName}
              maxLength={40}
              autoFocus
              onChange={(e) => setDraftName(e.target.value)}
            />
            <button type="submit">Save</button>
          </form>
        ) : (
          <button type="button" className="link-btn" onClick={() => setEditingName(true)}>
            {chat.name}
          </button>
        )}
      </div>
      {chat.banned ? (
        <p className="chat-notice chat-banned" role="alert" data-testid="chat-banned">
          {BANNED_NOTICE}
        </p>
      ) : (
        chat.error && <p className="chat-error">{chat.error}</p>
      )}
      <ol className="chat-messages" ref={list} aria-live="polite" data-testid="chat-messages">
        {chat.messages.length === 0 && (
          <li className="chat-empty">{mayWrite ? 'No messages yet. Say hello!' : 'No messages yet.'}</li>
        )}
        {chat.messages.map((m) => (
          <li key={m.id} data-message-id={m.id} className={m.userId === chat.me ? 'mine' : ''}>
            <span className="chat-author">{m.userName ?? m.userId}</span> <span className="chat-text">{m.text}</span>
          </li>
        ))}
      </ol>
      {mayWrite ? (
        <form className="chat-input" onSubmit={submit}>
          <input
            aria-label="Message"
            placeholder={chat.state === 'connected' ? 'Send a message' : 'Connecting to chat…'}
            maxLength={500}
            value={text}
            disabled={chat.state === 'closed'}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={sending || chat.state !== 'connected' || !text.trim()}>
            Send
          </button>
        </form>
      ) : (
        !chat.banned && (
          <p className="chat-notice" data-testid="chat-read-only">
            Chat is read-only for guests here. Sign in on the site that shared this stream to take part.
          </p>
        )
      )}
      {sendError && !chat.banned && <p className="chat-error">{sendError}</p>}
    </aside>
  );
}
