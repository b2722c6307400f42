// Chat moderation: pick a channel, watch its messages live, delete, ban or mute with a duration, slow mode,
// and the app's blocklist.
import type { Channel, ChatMessage, EventEnvelope } from '@beamline/protocol';
import { useEffect, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import type { Socket } from 'socket.io-client';
import { api, errorMessage } from '../api/client';
import { connectAs, request } from '../api/realtime';
import type { Page, Stream } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatDate, useAction, useResource } from '../components/hooks';
import { EmptyState, ErrorBanner, Modal, PageHeader, Spinner } from '../components/ui';
import { Blocklist } from './ChatBlocklist';

const DURATIONS = [
  { label: '5 minutes', seconds: 300 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
];

export default function Chat() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const [params, setParams] = useSearchParams();
  const channelId = params.get('channel') ?? '';
  const channels = useResource(
    (signal) => api<Page<Channel>>(`/v1/apps/${appId}/channels`, { signal, query: { limit: 100 } }),
    [appId],
  );
  const streams = useResource(
    (signal) => api<Page<Stream>>(`/v1/apps/${appId}/streams`, { signal, query: { limit: 100 } }),
    [appId],
  );
  const options = [
    ...(streams.data?.data ?? []).map((s) => ({
      id: s.id,
      label: `Stream: ${s.name}${s.status === 'live' ? ' (live)' : ''}`,
    })),
    ...(channels.data?.data ?? [])
      .filter((c) => !c.streamId)
      .map((c) => ({ id: c.id, label: `Channel: ${c.name ?? c.id}` })),
  ];
  const canModerate = roleAtLeast(app, 'editor');

  return (
    <div className="page">
      <PageHeader
        title="Chat moderation"
        subtitle="Watch a channel live and act on messages and people. Actions apply at once for every viewer."
      />
      <ErrorBanner message={channels.error ?? streams.error} />
      <div className="row">
        <label className="field" style={{ flex: 1 }}>
          <span className="visually-hidden">Channel</span>
          <select
            aria-label="Channel"
            value={channelId}
            onChange={(e) => setParams(e.target.value ? { channel: e.target.value } : {}, { replace: true })}
          >
            <option value="">Pick a stream or channel…</option>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!channelId ? (
        <EmptyState title="Pick a channel">
          {options.length === 0 && streams.data && channels.data
            ? 'Create a stream: each stream has its own chat channel.'
            : 'Choose a stream or channel above to see its messages as they arrive.'}
        </EmptyState>
      ) : (
        <Console key={channelId} appId={appId} channelId={channelId} canModerate={canModerate} />
      )}
      {roleAtLeast(app, 'editor') && <Blocklist appId={appId} />}
    </div>
  );
}

function Console({ appId, channelId, canModerate }: { appId: string; channelId: string; canModerate: boolean }) {
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [channel, setChannel] = useState<Channel | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [target, setTarget] = useState<{ kind: RestrictionKind; message: ChatMessage } | null>(null);
  const socketRef = useRef<Socket | null>(null);

  useEffect(() => {
    const socket = connectAs(appId, undefined, setError);
    socketRef.current = socket;
    socket.on('connect', async () => {
      setConnected(true);
      try {
        const joined = await request<{ channel: Channel; messages: ChatMessage[] }>(socket, 'channel.join', {
          channelId,
        });
        setChannel(joined.channel);
        setMessages(joined.messages.filter((m) => !m.deleted));
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
        setMessages([]);
      }
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', (err) => setError(err.message));
    socket.on('event', (e: EventEnvelope) => {
      const d = e.data as Record<string, unknown>;
      if (d.channelId !== undefined && d.channelId !== channelId) return;
      if (e.type === 'chat.message.new' || e.type === 'chat.message.updated') {
        const m = d.message as ChatMessage;
        setMessages((prev) => [...(prev ?? []).filter((x) => x.id !== m.id), m].slice(-300));
      } else if (e.type === 'chat.message.deleted') {
        setMessages((prev) => prev && prev.filter((x) => x.id !== d.messageId));
      }
    });
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [appId, channelId]);

  const del = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/channels/${channelId}/messages/${id}`, { method: 'DELETE' });
    setMessages((prev) => prev && prev.filter((x) => x.id !== id));
    return true;
  });
  const slow = useAction(async (seconds: number) => {
    const updated = await api<Channel>(`/v1/apps/${appId}/channels/${channelId}`, {
      method: 'PATCH',
      body: { slowModeSeconds: seconds },
    });
    setChannel(updated);
    return updated;
  });

  return (
    <div className="grid-2 chat-console">
      <section className="card stack">
        <div className="row-between">
          <h2>Messages</h2>
          <span className={`live-indicator live-${connected ? 'connected' : 'connecting'}`}>
            <span className="dot" aria-hidden="true" />
            {connected ? 'Live' : 'Connecting…'}
          </span>
        </div>
        <ErrorBanner message={error ?? del.error} />
        {messages === null ? (
          <Spinner />
        ) : messages.length === 0 ? (
          <p className="muted">No messages yet. New ones appear here as viewers send them.</p>
        ) : (
          <ol className="mod-messages" data-testid="moderation-messages">
            {messages.map((m) => (
              <li key={m.id} data-message-id={m.id}>
                <div>
                  <strong>{m.userName ?? m.userId}</strong>{' '}
                  <span className="muted small">{formatDate(m.createdAt)}</span>
                  {m.shadowed && <span className="badge">shadowed</span>}
                  <div>{m.text}</div>
                </div>
                {canModerate && (
                  <div className="row mod-actions">
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      aria-label={`Delete message ${m.text}`}
                      disabled={del.busy}
                      onClick={() => void del.run(m.id)}
                    >
                      Delete
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setTarget({ kind: 'mute', message: m })}
                    >
                      Mute
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setTarget({ kind: 'ban', message: m })}
                    >
                      Ban
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      title="Their messages keep reaching them, and nobody else"
                      onClick={() => setTarget({ kind: 'shadow', message: m })}
                    >
                      Shadow-ban
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="card stack">
        <h2>Channel settings</h2>
        {channel ? (
          <>
            <p className="muted small mono">{channel.id}</p>
            <label className="field">
              <span>Slow mode</span>
              <select
                disabled={!canModerate || slow.busy}
                value={channel.slowModeSeconds}
                onChange={(e) => void slow.run(Number(e.target.value))}
              >
                {[0, 5, 10, 30, 60, 300].map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? 'Off' : `One message per ${s} s`}
                  </option>
                ))}
              </select>
            </label>
            <ErrorBanner message={slow.error} />
          </>
        ) : (
          <p className="muted">Loading the channel…</p>
        )}
        <Restrictions appId={appId} channelId={channelId} canModerate={canModerate} />
      </section>
      <RestrictModal appId={appId} channelId={channelId} target={target} onClose={() => setTarget(null)} />
    </div>
  );
}

/** A shadow ban is a ban the user does not notice: their messages reach only themselves. */
type RestrictionKind = 'ban' | 'shadow' | 'mute';
const RESTRICTION_LABEL: Record<RestrictionKind, string> = { ban: 'Ban', shadow: 'Shadow-ban', mute: 'Mute' };

interface Restriction {
  id: string;
  userId: string;
  shadow?: boolean;
  channelId?: string;
  reason?: string;
  until?: string;
  by: string;
}

function Restrictions({ appId, channelId, canModerate }: { appId: string; channelId: string; canModerate: boolean }) {
  const bans = useResource((signal) => api<Page<Restriction>>(`/v1/apps/${appId}/bans`, { signal }), [appId]);
  const mutes = useResource((signal) => api<Page<Restriction>>(`/v1/apps/${appId}/mutes`, { signal }), [appId]);
  const lift = useAction(async (kind: 'bans' | 'mutes', r: Restriction) => {
    await api(`/v1/apps/${appId}/${kind}/${encodeURIComponent(r.userId)}`, {
      method: 'DELETE',
      query: { channelId: r.channelId },
    });
    return true;
  });
  const relevant = (list?: Restriction[]) => (list ?? []).filter((r) => !r.channelId || r.channelId === channelId);
  const rows: [string, 'bans' | 'mutes', Restriction[]][] = [
    ['Banned', 'bans', relevant(bans.data?.data)],
    ['Muted', 'mutes', relevant(mutes.data?.data)],
  ];
  return (
    <div className="stack">
      <div className="row-between">
        <h3>Bans and mutes</h3>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            bans.reload();
            mutes.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <ErrorBanner message={bans.error ?? mutes.error ?? lift.error} />
      {rows.map(([label, kind, list]) => (
        <div key={kind}>
          <p className="hint">{label}</p>
          {list.length === 0 ? (
            <p className="muted small">Nobody.</p>
          ) : (
            <ul className="list">
              {list.map((r) => (
                <li key={r.id} className="row-between">
                  <span className="small">
                    <span className="mono">{r.userId}</span> {r.shadow ? '(shadow) ' : ''}
                    {r.channelId ? 'in this channel' : 'app-wide'}
                    {r.until ? ` until ${formatDate(r.until)}` : ' for good'}
                  </span>
                  {canModerate && (
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={async () => {
                        if (await lift.run(kind, r)) (kind === 'bans' ? bans : mutes).reload();
                      }}
                    >
                      Lift
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

function RestrictModal({
  appId,
  channelId,
  target,
  onClose,
}: {
  appId: string;
  channelId: string;
  target: { kind: RestrictionKind; message: ChatMessage } | null;
  onClose(): void;
}) {
  const [duration, setDuration] = useState(3600);
  const [scope, setScope] = useState<'channel' | 'app'>('channel');
  const [reason, setReason] = useState('');
  const act = useAction(async () => {
    if (!target) return false;
    const body = {
      userId: target.message.userId,
      ...(scope === 'channel' ? { channelId } : {}),
      ...(duration > 0 ? { durationSeconds: duration } : {}),
      ...(target.kind !== 'mute' && reason.trim() ? { reason: reason.trim() } : {}),
      ...(target.kind === 'shadow' ? { shadow: true } : {}),
    };
    await api(`/v1/apps/${appId}/${target.kind === 'mute' ? 'mutes' : 'bans'}`, { method: 'POST', body });
    return true;
  });
  const who = target?.message.userName ?? target?.message.userId;
  return (
    <Modal title={target ? `${RESTRICTION_LABEL[target.kind]} ${who}` : ''} open={!!target} onClose={onClose}>
      <form
        className="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await act.run()) onClose();
        }}
      >
        <ErrorBanner message={act.error} />
        <div className="field">
          <label htmlFor="restrict-duration">For</label>
          <select id="restrict-duration" value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.seconds} value={d.seconds}>
                {d.label}
              </option>
            ))}
            {target && target.kind !== 'mute' && <option value={0}>For good</option>}
          </select>
        </div>
        <fieldset className="field">
          <legend>Where</legend>
          <label className="radio">
            <input type="radio" checked={scope === 'channel'} onChange={() => setScope('channel')} />
            This channel only
          </label>
          <label className="radio">
            <input type="radio" checked={scope === 'app'} onChange={() => setScope('app')} />
            Every channel of this app
          </label>
        </fieldset>
        {target?.kind === 'shadow' && (
          <p className="hint">They can keep writing and see their own messages; nobody else sees them.</p>
        )}
        {target && target.kind !== 'mute' && (
          <div className="field">
            <label htmlFor="restrict-reason">Reason (optional)</label>
            <input id="restrict-reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={act.busy}>
            {target ? RESTRICTION_LABEL[target.kind] : ''}
          </button>
        </div>
      </form>
    </Modal>
  );
}
