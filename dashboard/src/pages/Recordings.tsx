// Recordings of live sessions: thumbnail, duration, size; play in place; delete.
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Page, Recording } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatBytes, formatDate, formatDuration, useAction, useResource } from '../components/hooks';
import { ConfirmDialog, EmptyState, ErrorBanner, Modal, PageHeader, Spinner, StatusBadge } from '../components/ui';
import { Pager, useCursorTrail } from '../components/pager';
import { HlsPlayer } from '../player/HlsPlayer';

export default function Recordings() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const [params] = useSearchParams();
  const streamId = params.get('streamId') ?? undefined;
  const trail = useCursorTrail();
  const cursor = trail.cursor;
  const recordings = useResource(
    (signal) =>
      api<Page<Recording>>(`/v1/apps/${appId}/recordings`, { signal, query: { limit: 25, cursor, streamId } }),
    [appId, cursor, streamId],
  );
  const [playing, setPlaying] = useState<Recording | null>(null);
  const [deleting, setDeleting] = useState<Recording | null>(null);
  const remove = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/recordings/${id}`, { method: 'DELETE' });
    return true;
  });
  const list = recordings.data?.data ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Recordings"
        subtitle={
          streamId ? (
            <>
              Of stream <span className="mono">{streamId}</span> · <Link to=".">show all</Link>
            </>
          ) : (
            'Every live session of a stream with recording on is kept here as video on demand.'
          )
        }
      />
      <ErrorBanner message={recordings.error} onRetry={recordings.reload} />
      {recordings.loading && !recordings.data ? (
        <Spinner />
      ) : list.length === 0 && !recordings.error ? (
        <EmptyState title="No recordings yet">
          Turn on “Record every live session” for a stream and go live; the recording appears here when the session
          ends.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Recording</th>
              <th>Stream</th>
              <th>Status</th>
              <th>Duration</th>
              <th>Size</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id}>
                <td>
                  <div className="row">
                    <img className="thumb" src={r.thumbnailUrl} alt="" loading="lazy" />
                    <span>
                      {formatDate(r.startedAt)}
                      <div className="muted small">{r.renditions.map((x) => x.name).join(', ')}</div>
                    </span>
                  </div>
                </td>
                <td>
                  <Link to={`/apps/${appId}/streams/${r.streamId}`} className="mono small">
                    {r.streamId}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="num">{r.durationSeconds != null ? formatDuration(r.durationSeconds) : '—'}</td>
                <td className="num">{r.sizeBytes != null ? formatBytes(r.sizeBytes) : '—'}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={r.status !== 'ready'}
                    onClick={() => setPlaying(r)}
                  >
                    Play
                  </button>
                  {roleAtLeast(app, 'editor') && (
                    <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(r)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager trail={trail} nextCursor={recordings.data?.nextCursor} />
      <Modal title="Recording" open={!!playing} onClose={() => setPlaying(null)} wide>
        {playing && <HlsPlayer src={playing.hlsUrl} muted={false} />}
      </Modal>
      <ConfirmDialog
        open={!!deleting}
        title="Delete this recording?"
        confirmLabel="Delete recording"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting && (await remove.run(deleting.id))) {
            setDeleting(null);
            recordings.reload();
          }
        }}
      >
        <p>The video files are deleted for good.</p>
      </ConfirmDialog>
    </div>
  );
}
