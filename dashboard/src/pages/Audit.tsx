// The audit log: who changed what, newest first, with filters and paging.
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { AuditLogEntry, Page } from '@beamline/sdk';
import { formatDate, useResource } from '../components/hooks';
import { Pager, useCursorTrail } from '../components/pager';
import { EmptyState, ErrorBanner, PageHeader, Spinner } from '../components/ui';

interface Filters {
  action: string;
  actorId: string;
  target: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { action: '', actorId: '', target: '', from: '', to: '' };
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export default function Audit() {
  const { appId } = useParams() as { appId: string };
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const trail = useCursorTrail();
  const cursor = trail.cursor;
  const log = useResource(
    (signal) =>
      api<Page<AuditLogEntry>>(`/v1/apps/${appId}/audit-logs`, {
        signal,
        query: {
          limit: 50,
          cursor,
          action: filters.action.trim(),
          actorId: filters.actorId.trim(),
          target: filters.target.trim(),
          from: toIso(filters.from),
          to: toIso(filters.to),
        },
      }),
    [appId, filters, cursor],
  );
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle="Every change made to this app, by a person or an API key." />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          trail.reset();
          setFilters(draft);
        }}
      >
        <label>
          Action
          <input placeholder="createStream" value={draft.action} onChange={set('action')} />
        </label>
        <label>
          Actor id
          <input value={draft.actorId} onChange={set('actorId')} />
        </label>
        <label>
          Target id
          <input value={draft.target} onChange={set('target')} />
        </label>
        <label>
          From
          <input type="datetime-local" value={draft.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" value={draft.to} onChange={set('to')} />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      <ErrorBanner message={log.error} onRetry={log.reload} />
      {log.loading && !log.data ? (
        <Spinner />
      ) : log.data?.data.length === 0 ? (
        <EmptyState title="Nothing here">
          {trail.paged || Object.values(filters).some(Boolean)
            ? 'No entries match these filters. Clear them to see everything.'
            : 'Changes to this app (keys, streams, webhooks, team) appear here as they happen.'}
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Actor</th>
              <th>Target</th>
              <th>Status</th>
              <th>IP</th>
            </tr>
          </thead>
          <tbody>
            {log.data?.data.map((e) => (
              <tr key={e.id}>
                <td>{formatDate(e.createdAt)}</td>
                <td>
                  <strong>{e.action}</strong>
                  <div className="muted small mono">
                    {e.method} {e.path}
                  </div>
                </td>
                <td className="mono small">
                  {e.actorType}: {e.actorId}
                </td>
                <td className="mono small">{e.target ?? '—'}</td>
                <td>{e.status}</td>
                <td className="mono small">{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager trail={trail} nextCursor={log.data?.nextCursor} />
    </div>
  );
}
