// An app at a glance: its state, what is live, quick actions to the next step.
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Member, Page } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatDate, useResource } from '../components/hooks';
import { Notice, PageHeader, Spinner, StatusBadge } from '../components/ui';

interface StreamSummary {
  id: string;
  status: string;
}

export default function AppOverview() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const members = useResource((signal) => api<Page<Member>>(`/v1/apps/${appId}/members`, { signal }), [appId]);
  const streams = useResource(
    (signal) => api<Page<StreamSummary>>(`/v1/apps/${appId}/streams`, { signal, query: { limit: 100 } }),
    [appId],
  );
  if (!app) return <Spinner />;
  const live = streams.data?.data.filter((s) => s.status === 'live').length;
  return (
    <div className="page">
      <PageHeader
        title={app.name}
        subtitle={
          <>
            <StatusBadge status={app.status} /> <span className="mono small">{app.id}</span> · created{' '}
            {formatDate(app.createdAt)} · your role: {app.role}
          </>
        }
      />
      {app.status === 'archived' && (
        <Notice kind="warning">
          This app is archived: its API keys do not work. Bring it back from <Link to="settings">Settings</Link>.
        </Notice>
      )}
      {app.description && <p>{app.description}</p>}
      <section className="stats">
        <div className="stat">
          <span className="stat-label">Streams</span>
          <span className="stat-value">{streams.data ? streams.data.data.length : '—'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Live now</span>
          <span className="stat-value">{live ?? '—'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Team members</span>
          <span className="stat-value">{members.data ? members.data.data.length : '—'}</span>
        </div>
      </section>
      <h2>Quick actions</h2>
      <ul className="card-grid">
        {roleAtLeast(app, 'editor') && (
          <QuickAction to="streams?create=1" title="Create a stream" text="Get an RTMP URL and key for OBS." />
        )}
        {roleAtLeast(app, 'admin') && (
          <QuickAction to="webhooks" title="Add a webhook" text="Hear about live streams, recordings and chat." />
        )}
        {roleAtLeast(app, 'admin') && (
          <QuickAction to="keys" title="Manage API keys" text="Keys let your backend call the API and sign tokens." />
        )}
        <QuickAction to="branding" title="Brand the player" text="Colours, logo, fonts and your own domain." />
        <QuickAction to="team" title="Invite your team" text="Give teammates a role in this app." />
      </ul>
    </div>
  );
}

function QuickAction({ to, title, text }: { to: string; title: string; text: string }) {
  return (
    <li>
      <Link to={to} className="card card-link">
        <strong>{title}</strong>
        <p className="muted">{text}</p>
      </Link>
    </li>
  );
}
