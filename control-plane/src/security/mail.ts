// The control plane's mailer, chosen once per deps: the injected one, SMTP when SMTP_URL is set, else the outbox.
import { createMailer, type Mailer } from '@beamline/core';
import type { ControlPlaneDeps } from '../deps';

const chosen = new WeakMap<ControlPlaneDeps, Mailer>();

export function mailerOf(deps: ControlPlaneDeps): Mailer {
  let mailer = deps.mail ?? chosen.get(deps);
  if (!mailer) {
    mailer = createMailer({
      smtpUrl: deps.config.SMTP_URL,
      dataDir: deps.config.DATA_DIR,
      from: deps.config.MAIL_FROM,
    });
    chosen.set(deps, mailer);
  }
  return mailer;
}

/** Links in mails point at the dashboard, which the control plane serves at PUBLIC_BASE_URL. */
export function dashboardLink(deps: ControlPlaneDeps, path: string, token: string): string {
  const url = new URL(path, deps.config.PUBLIC_BASE_URL);
  url.searchParams.set('token', token);
  return url.toString();
}
