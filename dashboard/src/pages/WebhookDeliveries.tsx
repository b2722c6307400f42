// The delivery log of one endpoint: every attempt with the receiver's answer, a status filter, redelivery.
import { Fragment, useState } from 'react';
import { api } from '../api/client';
import type { Page, WebhookDelivery } from '@beamline/sdk';
import { formatDate, useAction, useResource } from '../components/hooks';
import { Pager, useCursorTrail } from '../components/pager';
import { ErrorBanner, Spinner, StatusBadge } from '../components/ui';

export function DeliveryLog({ appId, webhookId, canWrite }: { appId: string; webhookId: string; canWrite: boolean }) {
  const [status, setStatus] = useState('');
  const trail = useCursorTrail();
  const [open, setOpen] = useState<string | null>(null);
  const cursor = trail.cursor;
  const log = useResource(
    (signal) =>
      api<Page<WebhookDelivery>>(`/v1/apps/${appId}/webhooks/${webhookId}/deliveries`, {
        signal,
        query: { status, cursor, limit: 20 },
      }),
    [appId, webhookId, status, cursor],
  );
  const redeliver = useAction((id: string) =>
    api<WebhookDelivery>(`/v1/apps/${appId}/webhooks/${webhookId}/deliveries/${id}/redeliver`, { method: 'POST' }),
  );

  return (
    <div className="stack deliveries">
      <div className="row-between">
        <label className="row small">
          Status
          <select
            value={status}
            onChange={(e) => {
              trail.reset();
              setStatus(e.target.value);
            }}
          >
            <option value="">All</option>
            <option value="succeeded">Succeeded</option>
            <option value="pending">Pending / retrying</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={log.reload}>
          Refresh
        </button>
      </div>
      <ErrorBanner message={log.error ?? redeliver.error} />
      {log.loading && !log.data ? (
        <Spinner />
      ) : log.data?.data.length === 0 ? (
        <p className="muted">
          {status ? `No ${status} deliveries.` : 'No deliveries yet. Send a test event to see one here.'}
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Created</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log.data?.data.map((d) => (
              <Fragment key={d.id}>
                <tr>
                  <td>
                    <span className="mono small">{d.eventType}</span>
                    {d.test && <span className="badge">test</span>}
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td className="num">{d.attemptCount}</td>
                  <td className="small">{d.lastStatus != null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td>
                  <td className="small">{formatDate(d.createdAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={open === d.id}
                      onClick={() => setOpen(open === d.id ? null : d.id)}
                    >
                      Attempts
                    </button>
                    {canWrite && d.status !== 'pending' && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={redeliver.busy}
                        onClick={async () => {
                          if (await redeliver.run(d.id)) log.reload();
                        }}
                      >
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
                {open === d.id && (
                  <tr>
                    <td colSpan={6}>
                      <ol className="attempts">
                        {d.attempts.map((a) => (
                          <li key={a.attempt}>
                            {formatDate(a.at)} · {a.outcome} ·{' '}
                            {a.status != null ? `HTTP ${a.status}` : (a.error ?? 'no answer')} · {a.latencyMs} ms
                            {a.responseExcerpt && <code className="excerpt">{a.responseExcerpt.slice(0, 300)}</code>}
                          </li>
                        ))}
                        {d.nextAttemptAt && <li className="muted">Next attempt {formatDate(d.nextAttemptAt)}</li>}
                      </ol>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      <Pager trail={trail} nextCursor={log.data?.nextCursor} />
    </div>
  );
}
