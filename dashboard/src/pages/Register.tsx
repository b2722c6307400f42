// Create a developer account.
import { useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { useAuth } from '../api/auth';
import { AuthFrame, useSubmit } from './AuthForm';

export default function Register() {
  const { session, register } = useAuth();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit(async () => {
    await register(email.trim(), password, name.trim() || undefined);
    navigate('/apps', { replace: true });
  });
  if (session && !submit.busy) return <Navigate to="/apps" replace />;
  return (
    <AuthFrame
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <form className="stack" onSubmit={submit.onSubmit}>
        {submit.errorBanner}
        <div className="field">
          <label htmlFor="name">Name</label>
          <input id="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <p className="hint" id="password-hint">
            At least 10 characters.
          </p>
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.busy}>
          {submit.busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthFrame>
  );
}
