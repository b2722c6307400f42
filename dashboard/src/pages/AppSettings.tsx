// An app's settings: name and description, archive or bring back, delete for good.
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { App } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { useAction } from '../components/hooks';
import { ConfirmDialog, ErrorBanner, Notice, PageHeader, Spinner } from '../components/ui';

export default function AppSettings() {
  const { appId } = useParams() as { appId: string };
  const { app, reload } = useCurrentApp();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState<'archive' | 'delete' | null>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (app) {
      setName(app.name);
      setDescription(app.description ?? '');
    }
  }, [app]);
  const save = useAction(() =>
    api<App>(`/v1/apps/${appId}`, {
      method: 'PATCH',
      body: { name: name.trim(), description: description.trim() || null },
    }),
  );
  const archive = useAction((archived: boolean) =>
    api<App>(`/v1/apps/${appId}/${archived ? 'archive' : 'unarchive'}`, { method: 'POST' }),
  );
  const remove = useAction(async () => {
    await api(`/v1/apps/${appId}`, { method: 'DELETE' });
    return true;
  });
  if (!app) return <Spinner />;
  const canEdit = roleAtLeast(app, 'admin');

  return (
    <div className="page narrow">
      <PageHeader title="Settings" subtitle={`App ${app.id}`} />
      {!canEdit && <Notice>Only owners and admins can change these settings.</Notice>}
      <form
        className="card stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(false);
          if (await save.run()) {
            setSaved(true);
            reload();
          }
        }}
      >
        <h2>General</h2>
        <ErrorBanner message={save.error} />
        {saved && <Notice kind="success">Saved.</Notice>}
        <div className="field">
          <label htmlFor="settings-name">Name</label>
          <input
            id="settings-name"
            required
            maxLength={100}
            disabled={!canEdit}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="settings-description">Description</label>
          <textarea
            id="settings-description"
            rows={3}
            maxLength={500}
            disabled={!canEdit}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!canEdit || save.busy}>
            {save.busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>

      <section className="card stack danger-zone">
        <h2>Danger zone</h2>
        <ErrorBanner message={archive.error} />
        <div className="row-between">
          <div>
            <strong>{app.status === 'archived' ? 'Bring this app back' : 'Archive this app'}</strong>
            <p className="muted">
              {app.status === 'archived'
                ? 'Its API keys work again.'
                : 'Its API keys stop working at once; streams, chat and settings are kept.'}
            </p>
          </div>
          {app.status === 'archived' ? (
            <button
              type="button"
              className="btn"
              disabled={!canEdit || archive.busy}
              onClick={async () => {
                if (await archive.run(false)) reload();
              }}
            >
              Unarchive
            </button>
          ) : (
            <button type="button" className="btn btn-danger" disabled={!canEdit} onClick={() => setConfirm('archive')}>
              Archive app
            </button>
          )}
        </div>
        {app.role === 'owner' && (
          <div className="row-between">
            <div>
              <strong>Delete this app</strong>
              <p className="muted">Removes the app and all its data for good. This cannot be undone.</p>
            </div>
            <button type="button" className="btn btn-danger" onClick={() => setConfirm('delete')}>
              Delete app
            </button>
          </div>
        )}
      </section>

      <ConfirmDialog
        open={confirm === 'archive'}
        title="Archive this app?"
        confirmLabel="Archive app"
        busy={archive.busy}
        error={archive.error}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (await archive.run(true)) {
            setConfirm(null);
            reload();
          }
        }}
      >
        <p>
          The API keys of <strong>{app.name}</strong> stop working at once. You can bring the app back later.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete this app for good?"
        confirmLabel="Delete app"
        busy={remove.busy || typed !== app.name}
        error={remove.error}
        onClose={() => {
          setConfirm(null);
          setTyped('');
        }}
        onConfirm={async () => {
          if (await remove.run()) navigate('/apps', { replace: true });
        }}
      >
        <div className="stack">
          <p>Every stream, recording, message, webhook and key of this app is deleted. Type its name to confirm.</p>
          <input aria-label="App name" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
      </ConfirmDialog>
    </div>
  );
}
