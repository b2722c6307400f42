// The landing page of the verification mail's link: confirms the address once.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import { ErrorBanner, Notice, Spinner } from '../components/ui';
import { AuthFrame } from './AuthForm';

export default function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<'busy' | 'done' | string>('busy');
  useEffect(() => {
    api('/v1/auth/verify-email', { method: 'POST', body: { token } })
      .then(() => setState('done'))
      .catch((err: unknown) => setState(errorMessage(err)));
  }, [token]);
  return (
    <AuthFrame title="Verify your email" footer={<Link to="/apps">Go to the dashboard</Link>}>
      {state === 'busy' && <Spinner label="Verifying…" />}
      {state === 'done' && <Notice kind="success">Your email address is verified.</Notice>}
      {state !== 'busy' && state !== 'done' && <ErrorBanner message={state} />}
    </AuthFrame>
  );
}
