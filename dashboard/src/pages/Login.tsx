// Log in with email and password, then a two-factor code when the account has 2FA on.
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../api/auth';
import { AuthFrame, useSubmit } from './AuthForm';

export default function Login() {
  const { session, login, completeLogin } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/apps';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [secondStep, setSecondStep] = useState(false);
  const [code, setCode] = useState('');
  const submit = useSubmit(async () => {
    if (secondStep) await completeLogin(code);
    else if ((await login(email.trim(), password)) === 'two_factor_required') return setSecondStep(true);
    navigate(from, { replace: true });
  });
  if (session && !submit.busy) return <Navigate to={from} replace />;
  return (
    <AuthFrame
      title="Log in"
      footer={
        <>
          New here? <Link to="/register">Create an account</Link> · <Link to="/reset-password">Forgot password?</Link>
        </>
      }
    >
      <form className="stack" onSubmit={submit.onSubmit}>
        {submit.errorBanner}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            type="email"
            autoComplete="email"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {secondStep && (
          <div className="field">
            <p className="muted">Enter the code from your authenticator app, or one of your recovery codes.</p>
            <label htmlFor="code">Authentication code</label>
            <input
              id="code"
              autoComplete="one-time-code"
              inputMode="text"
              required
              autoFocus
              placeholder="123456 or a recovery code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.busy}>
          {submit.busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </AuthFrame>
  );
}
