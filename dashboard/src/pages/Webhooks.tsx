// Webhooks: endpoints with an event picker, the signing secret (shown once, rotatable), a test send with the
// receiver's answer, and the delivery log with a status filter and redelivery.
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Page, Webhook, WebhookTestResult, WebhookWithSecret } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { useAction, useResource } from '../components/hooks';
import { SecretModal } from '../components/SecretOnce';
import { ConfirmDialog, EmptyState, ErrorBanner, Modal, PageHeader, Spinner, StatusBadge } from '../components/ui';
import { DeliveryLog } from './WebhookDeliveries';
import { EventPicker } from './WebhookEvents';

interface Draft {
  id?: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
}

export default function Webhooks() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const hooks = useResource((signal) => api<Page<Webhook>>(`/v1/apps/${appId}/webhooks`, { signal }), [appId]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [secret, setSecret] = useState<{ title: string; hook: WebhookWithSecret } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'delete'; hook: Webhook } | null>(null);
  const [tests, setTests] = useState<Record<string, WebhookTestResult>>({});
  const canWrite = roleAtLeast(app, 'admin');

  const save = useAction((d: Draft) => {
    const body = { url: d.url.trim(), events: d.events, description: d.description.trim() || undefined };
    return d.id
      ? api<Webhook>(`/v1/apps/${appId}/webhooks/${d.id}`, {
          method: 'PATCH',
          body: { ...body, description: d.description.trim() || null, enabled: d.enabled },
        })
      : api<WebhookWithSecret>(`/v1/apps/${appId}/webhooks`, { method: 'POST', body });
  });
  const test = useAction((id: string) =>
    api<WebhookTestResult>(`/v1/apps/${appId}/webhooks/${id}/test`, { method: 'POST' }),
  );
  const rotate = useAction((id: string) =>
    api<WebhookWithSecret>(`/v1/apps/${appId}/webhooks/${id}/rotate-secret`, { method: 'POST', body: {} }),
  );
  const remove = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/webhooks/${id}`, { method: 'DELETE' });
    return true;
  });
  const list = hooks.data?.data ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Webhooks"
        subtitle="Your server hears about streams, recordings and chat as they happen, signed with a secret."
        actions={
          canWrite && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() =>
                setDraft({ url: '', description: '', events: ['stream.live', 'stream.offline'], enabled: true })
              }
            >
              Add endpoint
            </button>
          )
        }
      />
      <ErrorBanner message={hooks.error ?? test.error} onRetry={hooks.error ? hooks.reload : undefined} />
      {hooks.loading && !hooks.data ? (
        <Spinner />
      ) : list.length === 0 && !hooks.error ? (
        <EmptyState
          title="No webhook endpoints"
          action={
            canWrite && (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => setDraft({ url: '', description: '', events: ['*'], enabled: true })}
              >
                Add your first endpoint
              </button>
            )
          }
        >
          Add the URL of your server and pick the events it should receive.
        </EmptyState>
      ) : (
        <ul className="stack plain">
          {list.map((h) => {
            const result = tests[h.id];
            return (
              <li key={h.id} className="card stack" data-webhook-id={h.id}>
                <div className="row-between">
                  <div>
                    <strong className="mono">{h.url}</strong>
                    <div className="muted small">
                      {h.description ? `${h.description} · ` : ''}
                      {h.events.includes('*') ? 'all events' : h.events.join(', ')}
                    </div>
                  </div>
                  <StatusBadge status={h.enabled ? 'active' : 'disabled'} />
                </div>
                {h.disabledReason && <p className="alert alert-warning">Turned off: {h.disabledReason}</p>}
                {result && (
                  <div
                    className={`alert ${result.ok ? 'alert-success' : 'alert-error'}`}
                    data-testid="webhook-test-result"
                  >
                    <span>
                      Test {result.ok ? 'delivered' : 'failed'}:{' '}
                      {result.status != null ? `HTTP ${result.status}` : (result.error ?? 'no answer')} in{' '}
                      {result.latencyMs} ms
                      {result.responseExcerpt && (
                        <code className="excerpt">{result.responseExcerpt.slice(0, 200)}</code>
                      )}
                    </span>
                  </div>
                )}
                <div className="row">
                  {canWrite && (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={test.busy}
                        onClick={async () => {
                          const r = await test.run(h.id);
                          if (r) setTests((t) => ({ ...t, [h.id]: r }));
                        }}
                      >
                        Send test event
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          setDraft({
                            id: h.id,
                            url: h.url,
                            description: h.description ?? '',
                            events: h.events,
                            enabled: h.enabled,
                          })
                        }
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setConfirm({ kind: 'rotate', hook: h })}
                      >
                        Rotate secret
                      </button>
                    </>
                  )}
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-expanded={selected === h.id}
                    onClick={() => setSelected(selected === h.id ? null : h.id)}
                  >
                    {selected === h.id ? 'Hide deliveries' : 'Deliveries'}
                  </button>
                  {canWrite && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      onClick={() => setConfirm({ kind: 'delete', hook: h })}
                    >
                      Delete
                    </button>
                  )}
                </div>
                {selected === h.id && <DeliveryLog appId={appId} webhookId={h.id} canWrite={canWrite} />}
              </li>
            );
          })}
        </ul>
      )}

      <Modal
        title={draft?.id ? 'Edit endpoint' : 'Add endpoint'}
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
              const saved = await save.run(draft);
              if (!saved) return;
              setDraft(null);
              hooks.reload();
              if ('secret' in saved) setSecret({ title: 'Endpoint added', hook: saved as WebhookWithSecret });
            }}
          >
            <ErrorBanner message={save.error} />
            <div className="field">
              <label htmlFor="webhook-url">Endpoint URL</label>
              <input
                id="webhook-url"
                type="url"
                required
                autoFocus
                placeholder="https://example.com/hooks/beamline"
                value={draft.url}
                onChange={(e) => setDraft({ ...draft, url: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="webhook-description">Description (optional)</label>
              <input
                id="webhook-description"
                maxLength={500}
                value={draft.description}
                onChange={(e) => setDraft({ ...draft, description: e.target.value })}
              />
            </div>
            <EventPicker value={draft.events} onChange={(events) => setDraft({ ...draft, events })} />
            {draft.id && (
              <label className="radio">
                <input
                  type="checkbox"
                  checked={draft.enabled}
                  onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
                />
                Enabled
              </label>
            )}
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={save.busy || draft.events.length === 0}>
                {save.busy ? 'Saving…' : draft.id ? 'Save endpoint' : 'Add endpoint'}
              </button>
            </div>
          </form>
        )}
      </Modal>

      <SecretModal
        title={secret?.title ?? ''}
        label="Signing secret"
        value={secret?.hook.secret ?? null}
        intro="Verify each delivery's Webhook-Signature header with this secret."
        onClose={() => setSecret(null)}
      />

      <ConfirmDialog
        open={confirm?.kind === 'rotate'}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        busy={rotate.busy}
        error={rotate.error}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          const hook = confirm && (await rotate.run(confirm.hook.id));
          if (hook) {
            setConfirm(null);
            setSecret({ title: 'New signing secret', hook });
          }
        }}
      >
        <p>Deliveries are signed with the new secret from now on; update your server to verify with it.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm?.kind === 'delete'}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (confirm && (await remove.run(confirm.hook.id))) {
            setConfirm(null);
            hooks.reload();
          }
        }}
      >
        <p>
          <span className="mono">{confirm?.hook.url}</span> stops receiving events, and its delivery log is deleted.
        </p>
      </ConfirmDialog>
    </div>
  );
}
