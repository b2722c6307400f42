// The developer's apps: list, and create one in a modal (which shows its first API key once).
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { ApiKeyWithSecret, App, Page } from '@beamline/sdk';
import { formatDate, useAction, useResource } from '../components/hooks';
import { SecretOnce } from '../components/SecretOnce';
import { EmptyState, ErrorBanner, Modal, PageHeader, Spinner, StatusBadge } from '../components/ui';

export default function Apps() {
  const apps = useResource((signal) => api<Page<App>>('/v1/apps', { signal }), []);
  const [creating, setCreating] = useState(false);
  const list = apps.data?.data ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Apps"
        subtitle="An app holds streams, chat, webhooks and branding for one product or environment."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create app
          </button>
        }
      />
      <ErrorBanner message={apps.error} onRetry={apps.reload} />
      {apps.loading && !apps.data ? (
        <Spinner />
      ) : list.length === 0 && !apps.error ? (
        <EmptyState
          title="No apps yet"
          action={
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              Create your first app
            </button>
          }
        >
          Create an app to get an API key, then add a stream and go live from OBS.
        </EmptyState>
      ) : (
        <ul className="card-grid">
          {list.map((a) => (
            <li key={a.id}>
              <Link to={`/apps/${a.id}`} className="card card-link">
                <div className="card-title">
                  <strong>{a.name}</strong>
                  <StatusBadge status={a.status} />
                </div>
                <p className="muted">{a.description || 'No description'}</p>
                <p className="muted small">
                  {a.role} · created {formatDate(a.createdAt)}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <CreateAppModal open={creating} onClose={() => setCreating(false)} onCreated={apps.reload} />
    </div>
  );
}

function CreateAppModal({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(): void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<{ app: App; apiKey: ApiKeyWithSecret } | null>(null);
  const create = useAction(() =>
    api<{ app: App; apiKey: ApiKeyWithSecret }>('/v1/apps', {
      method: 'POST',
      body: description.trim() ? { name: name.trim(), description: description.trim() } : { name: name.trim() },
    }),
  );
  const close = () => {
    setName('');
    setDescription('');
    setCreated(null);
    create.clearError();
    onClose();
  };
  return (
    <Modal title={created ? 'App created' : 'Create app'} open={open} onClose={close}>
      {created ? (
        <div className="stack">
          <p>
            <strong>{created.app.name}</strong> is ready. Here is its first API key, for your backend.
          </p>
          <SecretOnce label="API secret" value={created.apiKey.secret} keyValue={created.apiKey.key} />
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                const id = created.app.id;
                close();
                navigate(`/apps/${id}`);
              }}
            >
              Open app
            </button>
          </div>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            const result = await create.run();
            if (result) {
              setCreated(result);
              onCreated();
            }
          }}
        >
          <ErrorBanner message={create.error} />
          <div className="field">
            <label htmlFor="app-name">Name</label>
            <input
              id="app-name"
              required
              maxLength={100}
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="app-description">Description (optional)</label>
            <textarea
              id="app-description"
              maxLength={500}
              rows={3}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : 'Create app'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
