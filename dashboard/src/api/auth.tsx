// The signed-in developer: session state for the whole dashboard, and the guard of protected routes.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, getSession, onSessionChange, setSession, type Session } from './client';

/** The answer of a log-in with two-factor authentication on: the second step's ticket. */
interface LoginChallenge {
  twoFactorRequired: true;
  challengeToken: string;
}

interface AuthState {
  session: Session | null;
  /** Resolves 'two_factor_required' when the account has 2FA: then call completeLogin with a code. */
  login(email: string, password: string): Promise<'signed_in' | 'two_factor_required'>;
  /** The second step: a 6-digit code from the authenticator, or a recovery code. */
  completeLogin(code: string): Promise<void>;
  register(email: string, password: string, name?: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setState] = useState<Session | null>(getSession());
  const [challenge, setChallenge] = useState<string | null>(null);
  useEffect(() => onSessionChange(setState), []);
  const value: AuthState = {
    session,
    login: async (email, password) => {
      const answer = await api<Session | LoginChallenge>('/v1/auth/login', {
        method: 'POST',
        body: { email, password },
      });
      if ('twoFactorRequired' in answer) {
        setChallenge(answer.challengeToken);
        return 'two_factor_required';
      }
      setSession(answer);
      return 'signed_in';
    },
    completeLogin: async (code) => {
      const entered = code.trim();
      const factor = /^\d{6}$/.test(entered) ? { code: entered } : { recoveryCode: entered };
      setSession(
        await api<Session>('/v1/auth/login/2fa', { method: 'POST', body: { challengeToken: challenge, ...factor } }),
      );
      setChallenge(null);
    },
    register: async (email, password, name) => {
      setSession(
        await api<Session>('/v1/auth/register', {
          method: 'POST',
          body: name ? { email, password, name } : { email, password },
        }),
      );
    },
    logout: async () => {
      const s = getSession();
      setSession(null);
      if (s) await api('/v1/auth/logout', { method: 'POST', body: { refreshToken: s.refreshToken } }).catch(() => {});
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** Sends visitors without a session to the log-in page, then back where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}
