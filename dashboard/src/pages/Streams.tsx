// Live streams: the list with status that changes as streams go live (realtime events, no polling), and creation.
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { LiveIndicator, useAppEvents } from '../api/realtime';
import type { Page, Stream, TranscodingProfile } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatDate, useAction, useResource } from '../components/hooks';
import { EmptyState, ErrorBanner, Modal, PageHeader, Spinner, StatusBadge } from '../components/ui';
import { applyStreamEvent } from './streamEvents';

export default function Streams() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const [params, setParams] = useSearchParams();
  const streams = useResource(
    (signal) => api<Page<Stream>>(`/v1/apps/${appId}/streams`, { signal, query: { limit: 100 } }),
    [appId],
  );
  const live = useAppEvents(appId, (e) => {
    if (['stream.created', 'stream.deleted', 'stream.updated'].includes(e.type)) return streams.reload();
    streams.setData((prev) => prev && { ...prev, data: prev.data.map((s) => applyStreamEvent(s, e)) });
  });
  const creating = params.get('create') === '1';
  const setCreating = (open: boolean) => setParams(open ? { create: '1' } : {}, { replace: true });
  const list = streams.data?.data ?? [];
  const canWrite = roleAtLeast(app, 'editor');

  return (
    <div className="page">
      <PageHeader
        title="Streams"
        subtitle={<LiveIndicator state={live.state} error={live.error} />}
        actions={
          <>
            <Link to="../profiles" relative="path" className="btn">
              Transcoding profiles
            </Link>
            <Link to="../recordings" relative="path" className="btn">
              Recordings
            </Link>
            {canWrite && (
              <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                Create stream
              </button>
            )}
          </>
        }
      />
      <ErrorBanner message={streams.error} onRetry={streams.reload} />
      {streams.loading && !streams.data ? (
        <Spinner />
      ) : list.length === 0 && !streams.error ? (
        <EmptyState
          title="No streams yet"
          action={
            canWrite && (
              <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                Create your first stream
              </button>
            )
          }
        >
          A stream gives you an RTMP URL and key for OBS and an HLS URL for your viewers.
        </EmptyState>
      ) : (
        <table className="table" data-testid="streams-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Viewers</th>
              <th>Playback</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-stream-id={s.id}>
                <td>
                  <Link to={s.id}>{s.name}</Link>
                  <div className="muted small mono">{s.id}</div>
                </td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td className="num">{s.status === 'live' ? s.viewers : '—'}</td>
                <td>{s.playbackPolicy}</td>
                <td>{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && <CreateStreamModal appId={appId} open={creating} onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateStreamModal({ appId, open, onClose }: { appId: string; open: boolean; onClose(): void }) {
  const navigate = useNavigate();
  const profiles = useResource(
    (signal) =>
      open
        ? api<Page<TranscodingProfile>>(`/v1/apps/${appId}/transcoding-profiles`, { signal })
        : Promise.resolve(undefined),
    [appId, open],
  );
  const [name, setName] = useState('');
  const [profileId, setProfileId] = useState('');
  const [policy, setPolicy] = useState<'public' | 'signed'>('public');
  const [latency, setLatency] = useState<'standard' | 'low'>('standard');
  const [record, setRecord] = useState(true);
  useEffect(() => {
    const first = profiles.data?.data[0];
    if (first && !profileId) setProfileId(first.id);
  }, [profiles.data, profileId]);
  const create = useAction(() =>
    api<Stream>(`/v1/apps/${appId}/streams`, {
      method: 'POST',
      body: {
        name: name.trim(),
        ...(profileId ? { profileId } : {}),
        playbackPolicy: policy,
        latencyMode: latency,
        record,
      },
    }),
  );
  return (
    <Modal title="Create stream" open={open} onClose={onClose}>
      <form
        className="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          const stream = await create.run();
          if (stream) navigate(stream.id);
        }}
      >
        <ErrorBanner message={create.error ?? profiles.error} />
        <div className="field">
          <label htmlFor="stream-name">Name</label>
          <input
            id="stream-name"
            required
            maxLength={200}
            autoFocus
            placeholder="Friday launch event"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="stream-profile">Transcoding profile</label>
          <select id="stream-profile" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
            {!profiles.data && <option value="">Loading profiles…</option>}
            {profiles.data?.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.renditions.map((r) => `${r.height}p`).join(', ') || 'source only'})
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>Playback</legend>
          <label className="radio">
            <input type="radio" name="policy" checked={policy === 'public'} onChange={() => setPolicy('public')} />
            Public — anyone with the link can watch
          </label>
          <label className="radio">
            <input type="radio" name="policy" checked={policy === 'signed'} onChange={() => setPolicy('signed')} />
            Signed — viewers need a playback token from your backend
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="stream-latency">Latency</label>
          <select
            id="stream-latency"
            value={latency}
            onChange={(e) => setLatency(e.target.value as 'standard' | 'low')}
          >
            <option value="standard">Standard (most compatible)</option>
            <option value="low">Low (shorter segments)</option>
          </select>
        </div>
        <label className="radio">
          <input type="checkbox" checked={record} onChange={(e) => setRecord(e.target.checked)} />
          Record every live session
        </label>
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create stream'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
