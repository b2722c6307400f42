// Configuration of account security: mail, account-token lifetimes, browser origins of the dashboard.
import { booleanFlag } from '@beamline/core';
import { z } from 'zod';

export const accountSecurityEnv = {
  /** smtp://user:pass@host:port or smtps://…; without it, mails are written to DATA_DIR/outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Beamline <no-reply@localhost>'),
  /**
   * /v1/dev/outbox (the mails written to DATA_DIR/outbox, live reset links among them): served only when true,
   * and then only to a developer session of the platform operator (OPERATOR_EMAILS).
   */
  DEV_OUTBOX: booleanFlag.optional(),
  /** The former name of DEV_OUTBOX, still read when DEV_OUTBOX is unset. */
  MAIL_OUTBOX_ROUTES: booleanFlag.optional(),
  /** Comma-separated emails of the platform's operators; unset, the operator is the first account registered. */
  OPERATOR_EMAILS: z
    .string()
    .max(2000)
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  EMAIL_VERIFICATION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(3 * 86_400),
  PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Comma-separated extra origins allowed to call the whole API from a browser (the dashboard's). */
  DASHBOARD_ORIGINS: z.string().optional(),
};
