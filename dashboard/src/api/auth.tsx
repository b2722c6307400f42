// The signed-in developer: session state for the whole dashboard, and the guard of protected routes.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, getSession, onSessionChange, setSession, type Session } from './client';

interface AuthState {
  session: Session | null;
  login(email: string, password: string): Promise<void>;
  register(email: string, password: string, name?: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setState] = useState<Session | null>(getSession());
  useEffect(() => onSessionChange(setState), []);
  const value: AuthState = {
    session,
    login: async (email, password) => {
      setSession(await api<Session>('/v1/auth/login', { method: 'POST', body: { email, password } }));
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
