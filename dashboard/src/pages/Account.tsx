// The signed-in developer's account: email verification, password and sessions, two-factor authentication, data
// export, deletion.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, setSession, type Session, type User } from '../api/client';
import { formatDate, useAction, useResource } from '../components/hooks';
import { ConfirmDialog, CopyButton, ErrorBanner, Notice, PageHeader, Spinner } from '../components/ui';

interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
}
interface Setup {
  secret: string;
  otpauthUrl: string;
  qrCodeDataUrl: string;
}
type AccountUser = User & { emailVerified: boolean; twoFactorEnabled: boolean };

/** A second factor typed by hand: six digits are a TOTP code, anything else a recovery code. */
const factor = (entered: string) =>
  /^\d{6}$/.test(entered.trim()) ? { code: entered.trim() } : { recoveryCode: entered.trim() };

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Notice kind="warning">
      <div className="stack">
        <p>Keep these recovery codes somewhere safe. Each works once, and they are shown only now.</p>
        <pre>{codes.join('\n')}</pre>
        <CopyButton value={codes.join('\n')} label="Copy codes" />
      </div>
    </Notice>
  );
}

function TwoFactor() {
  const status = useResource((signal) => api<TwoFactorStatus>('/v1/me/2fa', { signal }), []);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const start = useAction(() => api<Setup>('/v1/me/2fa/setup', { method: 'POST' }));
  const confirm = useAction(() =>
    api<{ recoveryCodes: string[] }>('/v1/me/2fa/confirm', { method: 'POST', body: { code: code.trim() } }),
  );
  // Turning 2FA off ends every session; the answer is this browser's new one.
  const disable = useAction(() =>
    api<Session>('/v1/me/2fa/disable', { method: 'POST', body: { password, ...factor(code) } }).then((next) => {
      setSession(next);
      return true;
    }),
  );
  const regenerate = useAction(() =>
    api<{ recoveryCodes: string[] }>('/v1/me/2fa/recovery-codes', {
      method: 'POST',
      body: { password, ...factor(code) },
    }),
  );
  if (!status.data) return status.error ? <ErrorBanner message={status.error} /> : <Spinner />;
  const error = start.error ?? confirm.error ?? disable.error ?? regenerate.error;
  const reset = () => {
    setCode('');
    setPassword('');
    status.reload();
  };

  return (
    <section className="card stack">
      <h2>Two-factor authentication</h2>
      <ErrorBanner message={error} />
      {codes && <RecoveryCodes codes={codes} />}
      {status.data.enabled ? (
        <>
          <p>
            On since {formatDate(status.data.enabledAt)}; {status.data.recoveryCodesLeft} recovery codes left.
          </p>
          <div className="field">
            <label htmlFor="tf-password">Password</label>
            <input id="tf-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="tf-code">Code or recovery code</label>
            <input id="tf-code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
          <div className="row">
            <button
              type="button"
              className="btn"
              disabled={regenerate.busy}
              onClick={async () => {
                const r = await regenerate.run();
                if (r) setCodes(r.recoveryCodes);
                reset();
              }}
            >
              New recovery codes
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={disable.busy}
              onClick={async () => {
                if (await disable.run()) setCodes(null);
                reset();
              }}
            >
              Turn off
            </button>
          </div>
        </>
      ) : setup ? (
        <form
          className="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await confirm.run();
            if (r) {
              setCodes(r.recoveryCodes);
              setSetup(null);
              reset();
            }
          }}
        >
          <p>Scan this code with an authenticator app, or enter the secret by hand, then type the code it shows.</p>
          <img src={setup.qrCodeDataUrl} alt="QR code of the authenticator secret" width={200} height={200} />
          <code>{setup.secret}</code>
          <div className="field">
            <label htmlFor="tf-first">Code</label>
            <input
              id="tf-first"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={confirm.busy}>
            Turn on
          </button>
        </form>
      ) : (
        <>
          <p>Off. With it on, logging in also needs a code from an authenticator app.</p>
          <button
            type="button"
            className="btn btn-primary"
            disabled={start.busy}
            onClick={async () => setSetup((await start.run()) ?? null)}
          >
            Set up
          </button>
        </>
      )}
    </section>
  );
}

function PasswordAndSessions({ twoFactorEnabled }: { twoFactorEnabled: boolean }) {
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [code, setCode] = useState('');
  const [changed, setChanged] = useState(false);
  // A new password ends every session; the answer is this browser's new one.
  const change = useAction(() =>
    api<Session>('/v1/me/password', {
      method: 'POST',
      body: { currentPassword: current, newPassword: next, ...(code ? factor(code) : {}) },
    }).then((session) => {
      setSession(session);
      return true;
    }),
  );
  const everywhere = useAction(() => api('/v1/auth/logout-all', { method: 'POST' }).then(() => true));
  return (
    <section className="card stack">
      <h2>Password and sessions</h2>
      <ErrorBanner message={change.error ?? everywhere.error} />
      {changed && <Notice kind="success">Password changed; every other session was signed out.</Notice>}
      <form
        className="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setChanged(false);
          if (await change.run()) {
            setChanged(true);
            setCurrent('');
            setNext('');
            setCode('');
          }
        }}
      >
        <div className="field">
          <label htmlFor="pw-current">Current password</label>
          <input
            id="pw-current"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="pw-new">New password (10 characters or more)</label>
          <input
            id="pw-new"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </div>
        {twoFactorEnabled && (
          <div className="field">
            <label htmlFor="pw-code">Code or recovery code</label>
            <input id="pw-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
        )}
        <button type="submit" className="btn" disabled={change.busy}>
          Change password
        </button>
      </form>
      <p>Lost a device, or signed in somewhere you should not have? End every session, this one included.</p>
      <button
        type="button"
        className="btn btn-danger"
        disabled={everywhere.busy}
        onClick={async () => {
          if (await everywhere.run()) {
            setSession(null);
            navigate('/login');
          }
        }}
      >
        Sign out everywhere
      </button>
    </section>
  );
}

export default function Account() {
  const navigate = useNavigate();
  const me = useResource((signal) => api<{ user: AccountUser }>('/v1/me', { signal }), []);
  const [sent, setSent] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const resend = useAction(() => api('/v1/me/email/verification', { method: 'POST' }).then(() => true));
  const download = useAction(async () => {
    const archive = await api<unknown>('/v1/me/export');
    const url = URL.createObjectURL(new Blob([JSON.stringify(archive, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'beamline-account.json';
    a.click();
    URL.revokeObjectURL(url);
    return true;
  });
  const remove = useAction(() =>
    api('/v1/me/delete', { method: 'POST', body: { password, ...(code ? factor(code) : {}) } }).then(() => true),
  );
  const user = me.data?.user;
  if (!user) return me.error ? <ErrorBanner message={me.error} /> : <Spinner />;

  return (
    <div className="page narrow">
      <PageHeader title="Account" subtitle={user.email} />
      <section className="card stack">
        <h2>Email</h2>
        <ErrorBanner message={resend.error} />
        {user.emailVerified ? (
          <p>Verified.</p>
        ) : (
          <>
            <p>Not verified yet: open the link of the mail sent at sign-up.</p>
            {sent && <Notice kind="success">Sent again.</Notice>}
            <button type="button" className="btn" onClick={async () => setSent(Boolean(await resend.run()))}>
              Send the link again
            </button>
          </>
        )}
      </section>
      <PasswordAndSessions twoFactorEnabled={user.twoFactorEnabled} />
      <TwoFactor />
      <section className="card stack">
        <h2>Your data</h2>
        <ErrorBanner message={download.error} />
        <p>Download everything the platform keeps about your account as a JSON archive.</p>
        <button type="button" className="btn" disabled={download.busy} onClick={() => void download.run()}>
          Export my data
        </button>
        <p>
          Deleting the account also deletes the apps only you are in. Apps you own with others need another owner first.
        </p>
        <div className="field">
          <label htmlFor="del-password">Password</label>
          <input id="del-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {user.twoFactorEnabled && (
          <div className="field">
            <label htmlFor="del-code">Code or recovery code</label>
            <input id="del-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
        )}
        <button type="button" className="btn btn-danger" disabled={!password} onClick={() => setDeleting(true)}>
          Delete my account
        </button>
      </section>
      <ConfirmDialog
        open={deleting}
        title="Delete your account?"
        confirmLabel="Delete for good"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          if (await remove.run()) {
            setDeleting(false);
            // The server already revoked every session; forget the local one.
            setSession(null);
            navigate('/login');
          }
        }}
      >
        This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
