// API keys: listed by their last four characters; create and rotate show the secret once; revoke asks first.
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { ApiKey, ApiKeyWithSecret, Page } from '@beamline/sdk';
import { formatDate, useAction, useResource } from '../components/hooks';
import { SecretModal } from '../components/SecretOnce';
import { ConfirmDialog, EmptyState, ErrorBanner, Modal, PageHeader, Spinner, StatusBadge } from '../components/ui';

export default function Keys() {
  const { appId } = useParams() as { appId: string };
  const keys = useResource((signal) => api<Page<ApiKey>>(`/v1/apps/${appId}/keys`, { signal }), [appId]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ title: string; key: ApiKeyWithSecret } | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'revoke'; key: ApiKey } | null>(null);
  const create = useAction(() =>
    api<ApiKeyWithSecret>(`/v1/apps/${appId}/keys`, { method: 'POST', body: { name: name.trim() } }),
  );
  const rotate = useAction((id: string) =>
    api<ApiKeyWithSecret>(`/v1/apps/${appId}/keys/${id}/rotate`, { method: 'POST', body: {} }),
  );
  const revoke = useAction((id: string) => api<ApiKey>(`/v1/apps/${appId}/keys/${id}`, { method: 'DELETE' }));
  const list = keys.data?.data ?? [];

  return (
    <div className="page">
      <PageHeader
        title="API keys"
        subtitle="Your backend calls the API with a key and its secret, and signs viewers' chat tokens with the secret."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        }
      />
      <ErrorBanner message={keys.error} onRetry={keys.reload} />
      {keys.loading && !keys.data ? (
        <Spinner />
      ) : list.length === 0 && !keys.error ? (
        <EmptyState title="No API keys">Create a key to call the API from your backend.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Secret</th>
              <th>Status</th>
              <th>Created</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">…{k.key.slice(-4)}</td>
                <td className="mono">
                  …{k.secretLast4}
                  {k.previousSecretExpiresAt && (
                    <span className="muted small">
                      {' '}
                      (old secret works until {formatDate(k.previousSecretExpiresAt)})
                    </span>
                  )}
                </td>
                <td>
                  <StatusBadge status={k.status} />
                </td>
                <td>{formatDate(k.createdAt)}</td>
                <td className="actions">
                  {k.status === 'active' && (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setConfirm({ kind: 'rotate', key: k })}
                      >
                        Rotate
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => setConfirm({ kind: 'revoke', key: k })}
                      >
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <Modal
        title="Create API key"
        open={creating}
        onClose={() => {
          setCreating(false);
          setName('');
          create.clearError();
        }}
      >
        <form
          className="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            const key = await create.run();
            if (key) {
              setCreating(false);
              setName('');
              setShown({ title: 'Key created', key });
              keys.reload();
            }
          }}
        >
          <ErrorBanner message={create.error} />
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input
              id="key-name"
              required
              maxLength={100}
              autoFocus
              placeholder="Production backend"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
      </Modal>

      <SecretModal
        title={shown?.title ?? ''}
        label="API secret"
        value={shown?.key.secret ?? null}
        keyValue={shown?.key.key}
        onClose={() => setShown(null)}
      />

      <ConfirmDialog
        open={confirm?.kind === 'rotate'}
        title="Rotate this key's secret?"
        confirmLabel="Rotate secret"
        busy={rotate.busy}
        error={rotate.error}
        onClose={() => {
          setConfirm(null);
          rotate.clearError();
        }}
        onConfirm={async () => {
          const key = confirm && (await rotate.run(confirm.key.id));
          if (key) {
            setConfirm(null);
            setShown({ title: 'New secret', key });
            keys.reload();
          }
        }}
      >
        <p>
          <strong>{confirm?.key.name}</strong> gets a new secret. The old one keeps working for a grace period so you
          can deploy the new one.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm?.kind === 'revoke'}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => {
          setConfirm(null);
          revoke.clearError();
        }}
        onConfirm={async () => {
          if (confirm && (await revoke.run(confirm.key.id))) {
            setConfirm(null);
            keys.reload();
          }
        }}
      >
        <p>
          Calls made with <strong>{confirm?.key.name}</strong> fail at once, and chat tokens signed with its secret stop
          working. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
