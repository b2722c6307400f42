// HTTP transport of account security: two-factor authentication, email verification, password reset, dev outbox.
import { createRateLimit, OutboxMailer } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { NotFound, RateLimited } from '../errors';
import { ctxOf, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { developerRoute, json, ok, publicRoute } from '../http/route';
import { dashboardLink, mailerOf } from '../security/mail';
import {
  ACCOUNT_TOKEN_INDEXES,
  requestPasswordReset,
  resetPassword,
  sendVerificationMail,
  verifyEmail,
  type AccountMailSettings,
} from './email';
import {
  confirmTwoFactor,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactor,
  TWO_FACTOR_INDEXES,
  twoFactorStatus,
} from './two-factor';

export const ChallengeSchema = z
  .object({
    twoFactorRequired: z.literal(true),
    challengeToken: z.string(),
    expiresIn: z.number().int(),
  })
  .openapi('LoginChallenge');

const Password = z.string().min(10, 'must be at least 10 characters').max(200);
const Code = z.string().regex(/^\d{6}$/, 'must be 6 digits');
const RecoveryCode = z.string().min(8).max(40);
const Confirmation = z.strictObject({
  password: z.string().min(1).max(200),
  code: Code.optional(),
  recoveryCode: RecoveryCode.optional(),
});
const AccountToken = z.string().min(10).max(200);
const RecoveryCodes = z
  .object({ recoveryCodes: z.array(z.string()).openapi({ description: 'Shown this once; each works once.' }) })
  .openapi('RecoveryCodes');

const tags = ['Account security'];

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');

export function accountMailSettings(deps: ControlPlaneDeps): AccountMailSettings {
  return {
    mailer: mailerOf(deps),
    link: (path, token) => dashboardLink(deps, path, token),
    verificationTtlSeconds: deps.config.EMAIL_VERIFICATION_TTL_SECONDS,
    resetTtlSeconds: deps.config.PASSWORD_RESET_TTL_SECONDS,
  };
}

export function accountSecurityRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  deps.store
    .ensureIndexes([...TWO_FACTOR_INDEXES, ...ACCOUNT_TOKEN_INDEXES])
    .catch((err: unknown) => deps.log.error({ err }, 'account security indexes could not be created'));
  const box = deps.secretBox;
  const mail = accountMailSettings(deps);
  // Mails cost the receiver: a few per address and hour, whoever asks.
  const perAddress = createRateLimit({ name: 'account-mail', points: 5, durationSeconds: 3600, redis: deps.redis });
  const limitMail = async (key: string) => {
    const wait = await perAddress.consume(key.toLowerCase());
    if (wait) throw new RateLimited(wait, 'Too many mails were sent to this address; wait before asking again.');
  };

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/me/2fa',
      operationId: 'getTwoFactor',
      summary: 'Whether two-factor authentication is on, and how many recovery codes are left',
      tags,
      responses: {
        200: ok(
          'Status',
          z.object({ enabled: z.boolean(), enabledAt: z.string().nullable(), recoveryCodesLeft: z.number().int() }),
        ),
      },
    }),
    async (c) => c.json(await twoFactorStatus(ctxOf(c), requireDeveloper(c)), 200),
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/2fa/setup',
      operationId: 'startTwoFactor',
      summary: 'Start enrolling an authenticator app',
      description:
        'Returns a new TOTP secret as text, as an otpauth:// URI and as a QR code (PNG data URL). Nothing changes until the first code is confirmed.',
      tags,
      responses: {
        200: ok(
          'The secret to enrol',
          z.object({ secret: z.string(), otpauthUrl: z.string(), qrCodeDataUrl: z.string() }).openapi('TwoFactorSetup'),
        ),
      },
    }),
    async (c) => c.json(await startTwoFactor(ctxOf(c), box, requireDeveloper(c)), 200),
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/2fa/confirm',
      operationId: 'confirmTwoFactor',
      summary: 'Turn two-factor authentication on with the first code; returns the recovery codes once',
      tags,
      request: { body: json(z.strictObject({ code: Code })) },
      responses: { 200: ok('On; keep the recovery codes somewhere safe', RecoveryCodes) },
    }),
    async (c) => c.json(await confirmTwoFactor(ctxOf(c), box, requireDeveloper(c), c.req.valid('json').code), 200),
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/2fa/disable',
      operationId: 'disableTwoFactor',
      summary: 'Turn two-factor authentication off (password and a code or recovery code)',
      tags,
      request: { body: json(Confirmation) },
      responses: { 204: { description: 'Off' } },
    }),
    async (c) => {
      await disableTwoFactor(ctxOf(c), box, requireDeveloper(c), c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/2fa/recovery-codes',
      operationId: 'regenerateRecoveryCodes',
      summary: 'Replace every recovery code with a new set (password and a code or recovery code)',
      tags,
      request: { body: json(Confirmation) },
      responses: { 200: ok('The new codes, shown once', RecoveryCodes) },
    }),
    async (c) => c.json(await regenerateRecoveryCodes(ctxOf(c), box, requireDeveloper(c), c.req.valid('json')), 200),
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/email/verification',
      operationId: 'sendVerificationEmail',
      summary: 'Send (again) the mail that verifies the account email address',
      tags,
      responses: { 202: { description: 'Sent' } },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      await limitMail(userId);
      await sendVerificationMail(ctxOf(c), mail, userId);
      return c.body(null, 202);
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Verify an email address with the token of the mail',
      tags,
      request: { body: json(z.strictObject({ token: AccountToken })) },
      responses: { 200: ok('Verified', z.object({ verified: z.literal(true) })) },
    }),
    async (c) => {
      await verifyEmail(ctxOf(c), c.req.valid('json').token);
      return c.json({ verified: true as const }, 200);
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Mail a password reset link',
      description: 'Answers 202 whether or not an account has this address, so that the answer reveals nothing.',
      tags,
      request: { body: json(z.strictObject({ email: z.email().max(254) })) },
      responses: { 202: { description: 'A mail is on its way if the account exists' } },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      await limitMail(email);
      await requestPasswordReset(ctxOf(c), mail, email);
      return c.body(null, 202);
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/password-reset/confirm',
      operationId: 'resetPassword',
      summary: 'Set a new password with the token of the reset mail; signs out every session',
      tags,
      request: { body: json(z.strictObject({ token: AccountToken, password: Password })) },
      responses: { 204: { description: 'Changed' } },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await resetPassword(ctxOf(c), token, password);
      return c.body(null, 204);
    },
  );

  const outbox = mail.mailer instanceof OutboxMailer ? mail.mailer : null;
  // The outbox holds live reset links. By default (development) only this machine may read it, so that a
  // forgotten NODE_ENV on a public server gives nothing away; MAIL_OUTBOX_ROUTES=true opens it to any address.
  const openToAll = deps.config.MAIL_OUTBOX_ROUTES === true;
  if (
    outbox &&
    (openToAll || (deps.config.MAIL_OUTBOX_ROUTES === undefined && deps.config.NODE_ENV === 'development'))
  ) {
    app.openapi(
      publicRoute({
        method: 'get',
        path: '/v1/dev/outbox',
        operationId: 'listOutbox',
        summary: 'Development only: the mails the platform would have sent, newest first',
        description:
          'Served only when mails go to the outbox folder and NODE_ENV=development (or MAIL_OUTBOX_ROUTES=true).',
        tags,
        request: { query: z.object({ to: z.string().max(254).optional() }) },
        responses: {
          200: ok(
            'Mails',
            z.object({
              data: z.array(
                z.object({
                  id: z.string(),
                  from: z.string(),
                  to: z.string(),
                  subject: z.string(),
                  text: z.string(),
                  createdAt: z.string(),
                }),
              ),
            }),
          ),
        },
      }),
      async (c) => {
        if (!openToAll && !isLoopback(c.get('ip')))
          throw NotFound('not_found', 'The outbox is served only to this machine (or set MAIL_OUTBOX_ROUTES=true).');
        const { to } = c.req.valid('query');
        const mails = await outbox.list(100);
        const data = mails
          .filter((m) => !to || m.to.toLowerCase() === to.toLowerCase())
          .map(({ id, from, to: rcpt, subject, text, createdAt }) => ({
            id,
            from,
            to: rcpt,
            subject,
            text,
            createdAt,
          }));
        return c.json({ data }, 200);
      },
    );
  }

  return app;
}
