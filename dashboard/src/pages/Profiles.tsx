// Transcoding profiles: the rendition ladder (resolution, bitrate, fps) and segment length of each.
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Page, TranscodingProfile } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { useAction, useResource } from '../components/hooks';
import { ConfirmDialog, EmptyState, ErrorBanner, Modal, PageHeader, Spinner } from '../components/ui';

/** One rung of a profile's ladder, as the form edits it. */
type Rendition = TranscodingProfile['renditions'][number];

interface Draft {
  id?: string;
  name: string;
  renditions: Rendition[];
  passthrough: boolean;
  segmentSeconds: number;
}

const NEW_RENDITION: Rendition = { name: '', height: 720, videoBitrateKbps: 2500, fps: 30, audioBitrateKbps: 128 };
const blank = (): Draft => ({
  name: '',
  renditions: [{ ...NEW_RENDITION }, { ...NEW_RENDITION, height: 480, videoBitrateKbps: 1200 }],
  passthrough: false,
  segmentSeconds: 2,
});

export default function Profiles() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const profiles = useResource(
    (signal) => api<Page<TranscodingProfile>>(`/v1/apps/${appId}/transcoding-profiles`, { signal }),
    [appId],
  );
  const [draft, setDraft] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<TranscodingProfile | null>(null);
  const save = useAction((d: Draft) => {
    const body = {
      name: d.name.trim(),
      renditions: d.renditions.map((r) => ({
        ...(r.name.trim() ? { name: r.name.trim() } : {}),
        height: r.height,
        videoBitrateKbps: r.videoBitrateKbps,
        fps: r.fps,
        audioBitrateKbps: r.audioBitrateKbps,
      })),
      passthrough: d.passthrough,
      segmentSeconds: d.segmentSeconds,
    };
    return d.id
      ? api<TranscodingProfile>(`/v1/apps/${appId}/transcoding-profiles/${d.id}`, { method: 'PUT', body })
      : api<TranscodingProfile>(`/v1/apps/${appId}/transcoding-profiles`, { method: 'POST', body });
  });
  const remove = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/transcoding-profiles/${id}`, { method: 'DELETE' });
    return true;
  });
  const canWrite = roleAtLeast(app, 'editor');
  const setRendition = (i: number, patch: Partial<Rendition>) =>
    draft && setDraft({ ...draft, renditions: draft.renditions.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  return (
    <div className="page">
      <PageHeader
        title="Transcoding profiles"
        subtitle="The renditions viewers can switch between, and how long each HLS segment is."
        actions={
          canWrite && (
            <button type="button" className="btn btn-primary" onClick={() => setDraft(blank())}>
              New profile
            </button>
          )
        }
      />
      <ErrorBanner message={profiles.error} onRetry={profiles.reload} />
      {profiles.loading && !profiles.data ? (
        <Spinner />
      ) : profiles.data?.data.length === 0 ? (
        <EmptyState title="No profiles">Create a profile to choose the renditions of your streams.</EmptyState>
      ) : (
        <ul className="card-grid">
          {profiles.data?.data.map((p) => (
            <li key={p.id} className="card stack">
              <div className="card-title">
                <strong>{p.name}</strong>
                {p.builtIn && <span className="badge">built in</span>}
              </div>
              <table className="mini">
                <tbody>
                  {p.passthrough && (
                    <tr>
                      <td>source</td>
                      <td colSpan={2}>unchanged</td>
                    </tr>
                  )}
                  {p.renditions.map((r) => (
                    <tr key={r.name}>
                      <td>{r.name}</td>
                      <td>{r.videoBitrateKbps} kbps</td>
                      <td>{r.fps} fps</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small">
                {p.segmentSeconds} s segments · {p.encoder} {p.preset}
              </p>
              {canWrite && !p.builtIn && (
                <div className="row">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() =>
                      setDraft({
                        id: p.id,
                        name: p.name,
                        renditions: p.renditions.map((r) => ({ ...r })),
                        passthrough: p.passthrough,
                        segmentSeconds: p.segmentSeconds,
                      })
                    }
                  >
                    Edit
                  </button>
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(p)}>
                    Delete
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      <Modal
        title={draft?.id ? 'Edit profile' : 'New profile'}
        open={!!draft}
        wide
        onClose={() => {
          setDraft(null);
          save.clearError();
        }}
      >
        {draft && (
          <form
            className="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await save.run(draft)) {
                setDraft(null);
                profiles.reload();
              }
            }}
          >
            <ErrorBanner message={save.error} />
            <div className="field">
              <label htmlFor="profile-name">Name</label>
              <input
                id="profile-name"
                required
                maxLength={100}
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
            </div>
            <table className="table ladder">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Height (px)</th>
                  <th>Video kbps</th>
                  <th>FPS</th>
                  <th>Audio kbps</th>
                  <th>
                    <span className="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {draft.renditions.map((r, i) => (
                  <tr key={i}>
                    <td>
                      <input
                        aria-label={`Rendition ${i + 1} name`}
                        placeholder={`${r.height}p`}
                        value={r.name}
                        onChange={(e) => setRendition(i, { name: e.target.value })}
                      />
                    </td>
                    {(['height', 'videoBitrateKbps', 'fps', 'audioBitrateKbps'] as const).map((k) => (
                      <td key={k}>
                        <input
                          type="number"
                          aria-label={`Rendition ${i + 1} ${k}`}
                          required
                          value={r[k]}
                          onChange={(e) => setRendition(i, { [k]: Number(e.target.value) })}
                        />
                      </td>
                    ))}
                    <td>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Remove rendition ${i + 1}`}
                        onClick={() => setDraft({ ...draft, renditions: draft.renditions.filter((_, j) => j !== i) })}
                      >
                        ×
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div>
              <button
                type="button"
                className="btn btn-small"
                disabled={draft.renditions.length >= 6}
                onClick={() => setDraft({ ...draft, renditions: [...draft.renditions, { ...NEW_RENDITION }] })}
              >
                Add rendition
              </button>
            </div>
            <label className="radio">
              <input
                type="checkbox"
                checked={draft.passthrough}
                onChange={(e) => setDraft({ ...draft, passthrough: e.target.checked })}
              />
              Also offer the source unchanged as the top rendition
            </label>
            <div className="field">
              <label htmlFor="profile-segment">Segment length (seconds)</label>
              <input
                id="profile-segment"
                type="number"
                min={0.5}
                max={10}
                step={0.5}
                value={draft.segmentSeconds}
                onChange={(e) => setDraft({ ...draft, segmentSeconds: Number(e.target.value) })}
              />
              <p className="hint">Shorter segments lower latency; longer ones are kinder to weak connections.</p>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={save.busy}>
                {save.busy ? 'Saving…' : 'Save profile'}
              </button>
            </div>
          </form>
        )}
      </Modal>
      <ConfirmDialog
        open={!!deleting}
        title="Delete this profile?"
        confirmLabel="Delete profile"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting && (await remove.run(deleting.id))) {
            setDeleting(null);
            profiles.reload();
          }
        }}
      >
        <p>Streams using it must be moved to another profile first.</p>
      </ConfirmDialog>
    </div>
  );
}
