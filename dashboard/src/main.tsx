// Entry of the dashboard and player page: routes, each page its own lazily loaded chunk.
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './api/auth';
import { Spinner } from './components/ui';
import './styles.css';

const Login = lazy(() => import('./pages/Login'));
const Register = lazy(() => import('./pages/Register'));
const AppShell = lazy(() => import('./components/AppShell'));
const Apps = lazy(() => import('./pages/Apps'));
const AppOverview = lazy(() => import('./pages/AppOverview'));
const AppSettings = lazy(() => import('./pages/AppSettings'));
const Keys = lazy(() => import('./pages/Keys'));
const Team = lazy(() => import('./pages/Team'));
const Audit = lazy(() => import('./pages/Audit'));
const Branding = lazy(() => import('./pages/Branding'));
const Streams = lazy(() => import('./pages/Streams'));
const StreamDetail = lazy(() => import('./pages/StreamDetail'));
const Recordings = lazy(() => import('./pages/Recordings'));
const Profiles = lazy(() => import('./pages/Profiles'));
const Webhooks = lazy(() => import('./pages/Webhooks'));
const Chat = lazy(() => import('./pages/Chat'));
const Analytics = lazy(() => import('./pages/Analytics'));
const Watch = lazy(() => import('./player/Watch'));
const NotFound = lazy(() => import('./pages/NotFound'));
const ResetPassword = lazy(() => import('./pages/ResetPassword'));
const VerifyEmail = lazy(() => import('./pages/VerifyEmail'));
const Outbox = lazy(() => import('./pages/Outbox'));
const Account = lazy(() => import('./pages/Account'));
const AppSecurity = lazy(() => import('./pages/AppSecurity'));

function App() {
  return (
    <Suspense fallback={<Spinner />}>
      <Routes>
        <Route path="/login" element={<Login />} />
        <Route path="/register" element={<Register />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route path="/verify-email" element={<VerifyEmail />} />
        <Route path="/dev/outbox" element={<Outbox />} />
        <Route path="/watch/:playbackId" element={<Watch />} />
        <Route path="/embed/:playbackId" element={<Watch embed />} />
        <Route
          element={
            <RequireAuth>
              <AppShell />
            </RequireAuth>
          }
        >
          <Route path="/" element={<Navigate to="/apps" replace />} />
          <Route path="/apps" element={<Apps />} />
          <Route path="/account" element={<Account />} />
          <Route path="/apps/:appId" element={<AppOverview />} />
          <Route path="/apps/:appId/settings" element={<AppSettings />} />
          <Route path="/apps/:appId/keys" element={<Keys />} />
          <Route path="/apps/:appId/team" element={<Team />} />
          <Route path="/apps/:appId/security" element={<AppSecurity />} />
          <Route path="/apps/:appId/audit" element={<Audit />} />
          <Route path="/apps/:appId/branding" element={<Branding />} />
          <Route path="/apps/:appId/streams" element={<Streams />} />
          <Route path="/apps/:appId/streams/:streamId" element={<StreamDetail />} />
          <Route path="/apps/:appId/recordings" element={<Recordings />} />
          <Route path="/apps/:appId/profiles" element={<Profiles />} />
          <Route path="/apps/:appId/webhooks" element={<Webhooks />} />
          <Route path="/apps/:appId/chat" element={<Chat />} />
          <Route path="/apps/:appId/analytics" element={<Analytics />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
