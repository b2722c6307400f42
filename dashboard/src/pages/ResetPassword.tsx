// Forgotten password: ask for the mail, then (from the mail's link) choose a new password.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { Notice } from '../components/ui';
import { AuthFrame, useSubmit } from './AuthForm';

export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const submit = useSubmit(async () => {
    if (token) await api('/v1/auth/password-reset/confirm', { method: 'POST', body: { token, password } });
    else await api('/v1/auth/password-reset', { method: 'POST', body: { email: email.trim() } });
    setDone(true);
  });
  const footer = <Link to="/login">Back to log-in</Link>;
  if (done)
    return (
      <AuthFrame title={token ? 'Password changed' : 'Check your mail'} footer={footer}>
        <Notice kind="success">
          {token
            ? 'Your new password is set and every other session was signed out. Log in with it now.'
            : 'If an account has this address, a link to reset its password is on its way. It works once, for an hour.'}
        </Notice>
      </AuthFrame>
    );
  return (
    <AuthFrame title={token ? 'Choose a new password' : 'Reset your password'} footer={footer}>
      <form className="stack" onSubmit={submit.onSubmit}>
        {submit.errorBanner}
        {token ? (
          <div className="field">
            <label htmlFor="new-password">New password (at least 10 characters)</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              required
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        ) : (
          <div className="field">
            <label htmlFor="reset-email">Email</label>
            <input
              id="reset-email"
              type="email"
              autoComplete="email"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.busy}>
          {token ? 'Set the password' : 'Mail me a link'}
        </button>
      </form>
    </AuthFrame>
  );
}
