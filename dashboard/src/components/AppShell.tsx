// The signed-in layout: top bar with the app switcher and account menu, the app's navigation, the page.
import { Suspense } from 'react';
import { Link, NavLink, Outlet, useMatch, useNavigate } from 'react-router-dom';
import { useAuth } from '../api/auth';
import { api } from '../api/client';
import type { App, Page } from '@beamline/sdk';
import { CurrentAppContext } from './currentApp';
import { useResource } from './hooks';
import { ErrorBanner, Spinner } from './ui';

const APP_NAV = [
  { to: '', label: 'Overview', end: true },
  { to: 'streams', label: 'Streams' },
  { to: 'recordings', label: 'Recordings' },
  { to: 'profiles', label: 'Transcoding' },
  { to: 'webhooks', label: 'Webhooks' },
  { to: 'chat', label: 'Chat moderation' },
  { to: 'analytics', label: 'Analytics' },
  { to: 'branding', label: 'Branding' },
  { to: 'keys', label: 'API keys' },
  { to: 'team', label: 'Team' },
  { to: 'security', label: 'Security' },
  { to: 'audit', label: 'Audit log' },
  { to: 'settings', label: 'Settings' },
];

export default function AppShell() {
  const { session, logout } = useAuth();
  const navigate = useNavigate();
  const match = useMatch('/apps/:appId/*');
  const appId = match?.params.appId;
  const app = useResource(
    (signal) => (appId ? api<App>(`/v1/apps/${appId}`, { signal }) : Promise.resolve(undefined)),
    [appId],
  );
  const apps = useResource((signal) => api<Page<App>>('/v1/apps', { signal }), [appId]);

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/apps" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Beamline
        </Link>
        {appId && (
          <label className="app-switcher">
            <span className="visually-hidden">Current app</span>
            <select value={appId} onChange={(e) => navigate(`/apps/${e.target.value}`)}>
              {!apps.data && <option value={appId}>{app.data?.name ?? appId}</option>}
              {apps.data?.data.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.status === 'archived' ? ' (archived)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="topbar-right">
          <a href="/docs" className="topbar-link" target="_blank" rel="noreferrer">
            API reference
          </a>
          <Link to="/account" className="muted user-email" title="Account and two-factor authentication">
            {session?.user.email}
          </Link>
          <button
            type="button"
            className="btn btn-small"
            onClick={async () => {
              await logout();
              navigate('/login');
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <div className={appId ? 'shell-body with-nav' : 'shell-body'}>
        {appId && (
          <nav className="sidenav" aria-label="App">
            {APP_NAV.map((item) => (
              <NavLink key={item.to} to={`/apps/${appId}${item.to ? `/${item.to}` : ''}`} end={item.end}>
                {item.label}
              </NavLink>
            ))}
          </nav>
        )}
        <main className="content">
          {appId && app.error ? (
            <ErrorBanner message={app.error} onRetry={app.reload} />
          ) : (
            <CurrentAppContext.Provider value={{ app: app.data, reload: app.reload }}>
              <Suspense fallback={<Spinner />}>
                <Outlet />
              </Suspense>
            </CurrentAppContext.Provider>
          )}
        </main>
      </div>
    </div>
  );
}
