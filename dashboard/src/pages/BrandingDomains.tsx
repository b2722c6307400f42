// Custom domains of the player page: add one, publish its TXT record, verify it with a DNS lookup.
import { useState } from 'react';
import { api } from '../api/client';
import type { CustomDomain, Page } from '@beamline/sdk';
import { formatDate, useAction, useResource } from '../components/hooks';
import { ConfirmDialog, CopyField, ErrorBanner, StatusBadge } from '../components/ui';

export function Domains({ appId, canEdit }: { appId: string; canEdit: boolean }) {
  const domains = useResource((signal) => api<Page<CustomDomain>>(`/v1/apps/${appId}/domains`, { signal }), [appId]);
  const [hostname, setHostname] = useState('');
  const [removing, setRemoving] = useState<CustomDomain | null>(null);
  const add = useAction(() =>
    api<CustomDomain>(`/v1/apps/${appId}/domains`, { method: 'POST', body: { hostname: hostname.trim() } }),
  );
  const verify = useAction((id: string) =>
    api<CustomDomain>(`/v1/apps/${appId}/domains/${id}/verify`, { method: 'POST' }),
  );
  const remove = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/domains/${id}`, { method: 'DELETE' });
    return true;
  });
  const replace = (d: CustomDomain) =>
    domains.setData((prev) => prev && { ...prev, data: prev.data.map((x) => (x.id === d.id ? d : x)) });

  return (
    <section className="card stack">
      <h2>Custom domain</h2>
      <p className="hint">
        Serve your player page at your own address, e.g. <span className="mono">live.example.com</span>. Point the name
        at this server (CNAME or A record), add the TXT record below, then verify.
      </p>
      <ErrorBanner message={domains.error ?? verify.error} />
      {domains.data?.data.map((d) => (
        <div key={d.id} className="domain stack">
          <div className="row-between">
            <strong className="mono">{d.hostname}</strong>
            <StatusBadge status={d.status} />
          </div>
          {d.status === 'pending' ? (
            <>
              <CopyField label="TXT record name" value={d.txtRecord.name} />
              <CopyField label="TXT record value" value={d.txtRecord.value} />
              {d.lastError && (
                <p className="hint">
                  Last check {formatDate(d.lastCheckedAt)}: {d.lastError}
                </p>
              )}
            </>
          ) : (
            <p className="hint">
              Verified {formatDate(d.verifiedAt)}. Player pages:{' '}
              <span className="mono">https://{d.hostname}/watch/…</span>
            </p>
          )}
          {canEdit && (
            <div className="row">
              {d.status === 'pending' && (
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  disabled={verify.busy}
                  onClick={async () => {
                    const result = await verify.run(d.id);
                    if (result) replace(result);
                  }}
                >
                  {verify.busy ? 'Checking DNS…' : 'Verify now'}
                </button>
              )}
              <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(d)}>
                Remove
              </button>
            </div>
          )}
        </div>
      ))}
      {canEdit && (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await add.run()) {
              setHostname('');
              domains.reload();
            }
          }}
        >
          <input
            aria-label="Domain"
            placeholder="live.example.com"
            required
            value={hostname}
            onChange={(e) => setHostname(e.target.value)}
            style={{ flex: 1 }}
          />
          <button type="submit" className="btn" disabled={add.busy}>
            Add domain
          </button>
        </form>
      )}
      <ErrorBanner message={add.error} />
      <ConfirmDialog
        open={!!removing}
        title="Remove this domain?"
        confirmLabel="Remove domain"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (removing && (await remove.run(removing.id))) {
            setRemoving(null);
            domains.reload();
          }
        }}
      >
        <p>
          <span className="mono">{removing?.hostname}</span> stops serving your player page.
        </p>
      </ConfirmDialog>
    </section>
  );
}
