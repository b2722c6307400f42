// An app's security settings: two-factor authentication required of the team, allowed browser origins, user
// tokens without expiry.
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { useAction, useResource } from '../components/hooks';
import { ErrorBanner, Notice, PageHeader, Spinner } from '../components/ui';

interface AppSecuritySettings {
  requireTwoFactor: boolean;
  allowedOrigins: string[];
  allowNonExpiringUserTokens: boolean;
}

export default function AppSecurity() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const settings = useResource((signal) => api<AppSecuritySettings>(`/v1/apps/${appId}/security`, { signal }), [appId]);
  const [origins, setOrigins] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data) setOrigins(settings.data.allowedOrigins.join('\n'));
  }, [settings.data]);
  const save = useAction((body: Partial<AppSecuritySettings>) =>
    api<AppSecuritySettings>(`/v1/apps/${appId}/security`, { method: 'PATCH', body }),
  );
  if (!app || !settings.data) return settings.error ? <ErrorBanner message={settings.error} /> : <Spinner />;
  const isOwner = roleAtLeast(app, 'owner');
  const apply = async (body: Partial<AppSecuritySettings>) => {
    setSaved(false);
    const next = await save.run(body);
    if (next) {
      settings.setData(next);
      setSaved(true);
    }
  };

  return (
    <div className="page narrow">
      <PageHeader title="Security" subtitle="Who may reach this app, and from where" />
      {!isOwner && <Notice>Only owners can change these settings.</Notice>}
      <ErrorBanner message={save.error} />
      {saved && <Notice kind="success">Saved.</Notice>}
      <section className="card stack">
        <h2>Two-factor authentication</h2>
        <label className="row">
          <input
            type="checkbox"
            checked={settings.data.requireTwoFactor}
            disabled={!isOwner || save.busy}
            onChange={(e) => void apply({ requireTwoFactor: e.target.checked })}
          />
          Require it of every member: those without it get no access to this app until they turn it on.
        </label>
      </section>
      <section className="card stack">
        <h2>User tokens without expiry</h2>
        <label className="row">
          <input
            type="checkbox"
            checked={settings.data.allowNonExpiringUserTokens}
            disabled={!isOwner || save.busy}
            onChange={(e) => void apply({ allowNonExpiringUserTokens: e.target.checked })}
          />
          Let chat accept user tokens your backend signs without an expiry (exp). Leave off unless you must: such a
          token, once leaked, works until you revoke the API key that signed it.
        </label>
      </section>
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          void apply({ allowedOrigins: origins.split(/\s+/).filter(Boolean) });
        }}
      >
        <h2>Allowed origins</h2>
        <p className="muted">
          Web pages that may connect to this app's chat and call its API from a browser, one per line, e.g.
          https://shop.example.com or https://*.example.com. Empty: chat accepts any page.
        </p>
        <textarea
          rows={5}
          value={origins}
          disabled={!isOwner}
          onChange={(e) => setOrigins(e.target.value)}
          aria-label="Allowed origins"
        />
        <button type="submit" className="btn btn-primary" disabled={!isOwner || save.busy}>
          Save origins
        </button>
      </form>
    </div>
  );
}
