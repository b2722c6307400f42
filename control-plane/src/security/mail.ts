// Links in the control plane's mails (the mailer itself comes with its deps: controlPlaneDeps).
import type { ControlPlaneDeps } from '../deps';

/** Links in mails point at the dashboard, which the control plane serves at PUBLIC_BASE_URL. */
export function dashboardLink(deps: ControlPlaneDeps, path: string, token: string): string {
  const url = new URL(path, deps.config.PUBLIC_BASE_URL);
  url.searchParams.set('token', token);
  return url.toString();
}
