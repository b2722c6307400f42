// One stream: encoder settings (RTMP URL, hidden key with copy and reset), OBS steps, playback URLs, a live preview
// and viewer count that follow realtime events, and its recordings.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import { LiveIndicator, useAppEvents } from '../api/realtime';
import type { GuestChatMode } from '@beamline/protocol';
import type { Page, Recording, Stream } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatBytes, formatDate, formatDuration, useAction, useResource } from '../components/hooks';
import { ConfirmDialog, CopyField, ErrorBanner, Notice, PageHeader, Spinner, StatusBadge } from '../components/ui';
import { HlsPlayer } from '../player/HlsPlayer';
import { applyStreamEvent } from './streamEvents';

export default function StreamDetail() {
  const { appId, streamId } = useParams() as { appId: string; streamId: string };
  const { app } = useCurrentApp();
  const navigate = useNavigate();
  const stream = useResource(
    (signal) => api<Stream>(`/v1/apps/${appId}/streams/${streamId}`, { signal }),
    [appId, streamId],
  );
  const live = useAppEvents(
    appId,
    (e) => {
      if (e.type === 'stream.updated') return stream.reload();
      stream.setData((prev) => prev && applyStreamEvent(prev, e));
    },
    streamId,
  );
  const [confirm, setConfirm] = useState<'reset' | 'delete' | null>(null);
  const reset = useAction(() => api<Stream>(`/v1/apps/${appId}/streams/${streamId}/reset-key`, { method: 'POST' }));
  const toggle = useAction((enable: boolean) =>
    api<Stream>(`/v1/apps/${appId}/streams/${streamId}/${enable ? 'enable' : 'disable'}`, { method: 'POST' }),
  );
  const remove = useAction(async () => {
    await api(`/v1/apps/${appId}/streams/${streamId}`, { method: 'DELETE' });
    return true;
  });
  const s = stream.data;
  if (stream.error && !s) return <ErrorBanner message={stream.error} onRetry={stream.reload} />;
  if (!s) return <Spinner />;
  const canWrite = roleAtLeast(app, 'editor');
  const isLive = s.status === 'live';

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to={`/apps/${appId}/streams`}>Streams</Link> /
      </p>
      <PageHeader
        title={s.name}
        subtitle={
          <span className="row">
            <span data-testid="stream-status">
              <StatusBadge status={s.status} />
            </span>
            <LiveIndicator state={live.state} error={live.error} />
          </span>
        }
        actions={
          <>
            <PlayerPageLink appId={appId} stream={s} />
            {canWrite && (
              <button
                type="button"
                className="btn"
                disabled={toggle.busy}
                onClick={async () => {
                  const updated = await toggle.run(!s.enabled);
                  if (updated) stream.setData(updated);
                }}
              >
                {s.enabled ? 'Disable' : 'Enable'}
              </button>
            )}
            {canWrite && (
              <button type="button" className="btn btn-danger" onClick={() => setConfirm('delete')}>
                Delete
              </button>
            )}
          </>
        }
      />
      <ErrorBanner message={toggle.error} />
      {!s.enabled && <Notice kind="warning">Publishing is refused while this stream is disabled.</Notice>}

      <div className="grid-2">
        <div className="stack">
          <section className="card stack">
            <h2>Connect your encoder</h2>
            <CopyField label="RTMP server URL" value={s.rtmpUrl} testId="rtmp-url" />
            {s.streamKey !== undefined ? (
              <>
                <CopyField label="Stream key" value={s.streamKey} secret testId="stream-key" />
                <p className="hint">Anyone with the stream key can broadcast here. Reset it if it leaks.</p>
              </>
            ) : (
              <p className="hint" data-testid="stream-key-hidden">
                The stream key is shown to editors, admins and owners only: whoever holds it can broadcast here.
              </p>
            )}
            {canWrite && s.streamKey !== undefined && (
              <div>
                <button type="button" className="btn btn-small" onClick={() => setConfirm('reset')}>
                  Reset stream key
                </button>
              </div>
            )}
          </section>
          <section className="card">
            <h2>Go live from OBS</h2>
            <ol className="steps">
              <li>
                In OBS, open <strong>Settings → Stream</strong>.
              </li>
              <li>
                Set <strong>Service</strong> to <em>Custom…</em>.
              </li>
              <li>
                Paste the <strong>RTMP server URL</strong> into <em>Server</em> and the <strong>stream key</strong> into{' '}
                <em>Stream Key</em>.
              </li>
              <li>
                Under <strong>Output</strong>, use a keyframe interval of 2 s (x264: “Keyframe Interval” = 2).
              </li>
              <li>
                Click <strong>Start Streaming</strong>. This page turns <em>live</em> within seconds.
              </li>
            </ol>
            <p className="hint">Or test from a terminal:</p>
            <pre className="code">{`ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=30 -f lavfi -i sine \\
  -c:v libx264 -g 60 -c:a aac -f flv "${s.rtmpUrl}/<stream key>"`}</pre>
          </section>
          <GuestChatSetting appId={appId} stream={s} canWrite={canWrite} onSaved={stream.setData} />
          <section className="card stack">
            <h2>Playback</h2>
            <CopyField label="HLS URL" value={s.hlsUrl} testId="hls-url" />
            <p className="hint">
              {s.playbackPolicy === 'signed'
                ? 'Signed playback: add ?token= with a playback token your backend mints.'
                : 'Public playback: anyone with this URL can watch.'}{' '}
              Latency mode: {s.latencyMode}. Profile: <span className="mono">{s.profileId}</span>.
            </p>
          </section>
        </div>
        <div className="stack">
          <section className="card stack">
            <div className="row-between">
              <h2>Preview</h2>
              <span className="stat-inline" data-testid="viewer-count">
                <strong>{isLive ? s.viewers : 0}</strong> watching
              </span>
            </div>
            {isLive ? (
              <Preview appId={appId} stream={s} />
            ) : (
              <div className="video-frame">
                <div className="video-overlay">
                  {s.status === 'disconnected'
                    ? 'The encoder disconnected; waiting for it to come back…'
                    : 'Offline. Start streaming from your encoder and the preview appears here.'}
                </div>
              </div>
            )}
            {s.ingest && isLive && (
              <p className="muted small">
                Ingest: {s.ingest.width}×{s.ingest.height} {s.ingest.fps ? `@ ${s.ingest.fps} fps` : ''}{' '}
                {s.ingest.videoCodec} / {s.ingest.audioCodec}
                {s.ingest.bitrateKbps ? ` · ${s.ingest.bitrateKbps} kbps` : ''}
              </p>
            )}
            <p className="muted small">
              {isLive && s.liveStartedAt
                ? `Live since ${formatDate(s.liveStartedAt)}`
                : s.lastEndedAt
                  ? `Last live session ended ${formatDate(s.lastEndedAt)}`
                  : 'Never live yet.'}
            </p>
          </section>
          <StreamRecordings appId={appId} streamId={streamId} />
        </div>
      </div>

      <ConfirmDialog
        open={confirm === 'reset'}
        title="Reset the stream key?"
        confirmLabel="Reset key"
        busy={reset.busy}
        error={reset.error}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          const updated = await reset.run();
          if (updated) {
            stream.setData(updated);
            setConfirm(null);
          }
        }}
      >
        <p>The current key stops working at once{isLive ? ' and the live session is cut' : ''}. Update your encoder.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete this stream?"
        confirmLabel="Delete stream"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (await remove.run()) navigate(`/apps/${appId}/streams`, { replace: true });
        }}
      >
        <p>
          <strong>{s.name}</strong> and its key are deleted; its player page stops working.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/**
 * The stream's hosted player page. A signed stream's page opens only with a playback token, so one is minted
 * first (into a window opened at the click, which popup blockers allow).
 */
function PlayerPageLink({ appId, stream }: { appId: string; stream: Stream }) {
  const path = `/watch/${stream.playbackId}`;
  const [error, setError] = useState<string | null>(null);
  if (stream.playbackPolicy === 'public')
    return (
      <a className="btn" href={path} target="_blank" rel="noreferrer">
        Open player page
      </a>
    );
  return (
    <>
      <button
        type="button"
        className="btn"
        title="Opens the page with a one-hour playback token"
        onClick={async () => {
          const tab = window.open('', '_blank');
          if (tab) tab.opener = null;
          setError(null);
          try {
            const { token } = await api<{ token: string }>(`/v1/apps/${appId}/streams/${stream.id}/playback-tokens`, {
              method: 'POST',
              body: { ttlSeconds: 3600 },
            });
            const url = `${path}?token=${encodeURIComponent(token)}`;
            if (tab) tab.location.href = url;
            else window.location.assign(url);
          } catch (err) {
            tab?.close();
            setError(errorMessage(err));
          }
        }}
      >
        Open player page
      </button>
      {error && (
        <span role="alert" className="muted small">
          {error}
        </span>
      )}
    </>
  );
}

const GUEST_CHAT_CHOICES: { value: GuestChatMode | ''; label: string }[] = [
  { value: '', label: "App default (guests chat on public streams when the app's branding allows it)" },
  { value: 'chat', label: 'Guests may chat' },
  { value: 'read', label: 'Guests may only read' },
  { value: 'off', label: 'No guest chat (only users signed in on your site)' },
];

/** Who may chat on the stream's player page; signed streams are closed to guests unless opened here. */
function GuestChatSetting({
  appId,
  stream,
  canWrite,
  onSaved,
}: {
  appId: string;
  stream: Stream;
  canWrite: boolean;
  onSaved(s: Stream): void;
}) {
  const save = useAction((value: GuestChatMode | null) =>
    api<Stream>(`/v1/apps/${appId}/streams/${stream.id}`, { method: 'PATCH', body: { guestChat: value } }),
  );
  return (
    <section className="card stack">
      <h2>Player page chat</h2>
      <div className="field">
        <label htmlFor="guest-chat">Guests</label>
        <select
          id="guest-chat"
          value={stream.guestChat ?? ''}
          disabled={!canWrite || save.busy}
          onChange={async (e) => {
            const updated = await save.run((e.target.value || null) as GuestChatMode | null);
            if (updated) onSaved(updated);
          }}
        >
          {GUEST_CHAT_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorBanner message={save.error} />
      <p className="hint">
        Guests are anonymous viewers of the hosted player page; each browser is one guest, so a ban holds in every tab.
      </p>
    </section>
  );
}

/** The live preview: public streams play their HLS URL; signed ones get a short playback token first. */
function Preview({ appId, stream }: { appId: string; stream: Stream }) {
  const url = useResource(
    async (signal) =>
      stream.playbackPolicy === 'public'
        ? stream.hlsUrl
        : (
            await api<{ url: string }>(`/v1/apps/${appId}/streams/${stream.id}/playback-tokens`, {
              method: 'POST',
              body: { ttlSeconds: 3600, viewerId: 'dashboard-preview' },
              signal,
            })
          ).url,
    [appId, stream.id, stream.playbackPolicy, stream.liveStartedAt],
  );
  if (url.error) return <ErrorBanner message={url.error} onRetry={url.reload} />;
  return <HlsPlayer src={url.data ?? null} live />;
}

function StreamRecordings({ appId, streamId }: { appId: string; streamId: string }) {
  const recordings = useResource(
    (signal) => api<Page<Recording>>(`/v1/apps/${appId}/recordings`, { signal, query: { streamId, limit: 10 } }),
    [appId, streamId],
  );
  return (
    <section className="card stack">
      <div className="row-between">
        <h2>Recordings</h2>
        <Link to={`/apps/${appId}/recordings?streamId=${streamId}`}>All recordings</Link>
      </div>
      <ErrorBanner message={recordings.error} onRetry={recordings.reload} />
      {recordings.data?.data.length === 0 && (
        <p className="muted">Each live session of a recorded stream appears here when it ends.</p>
      )}
      <ul className="list">
        {recordings.data?.data.map((r) => (
          <li key={r.id} className="row-between">
            <span>
              {formatDate(r.startedAt)} · {r.durationSeconds != null ? formatDuration(r.durationSeconds) : '—'} ·{' '}
              {r.sizeBytes != null ? formatBytes(r.sizeBytes) : '—'}
            </span>
            <StatusBadge status={r.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}
