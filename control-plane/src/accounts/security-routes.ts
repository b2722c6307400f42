// HTTP transport of account security: two-factor authentication, email verification, password change and reset.
import { createRateLimit } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { RateLimited } from '../errors';
import { ctxOf, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { developerRoute, json, ok, publicRoute } from '../http/route';
import { dashboardLink } from '../security/mail';
import { getMe } from './accounts';
import {
  requestPasswordReset,
  resetPassword,
  sendVerificationMail,
  verifyEmail,
  type AccountMailSettings,
} from './email';
import { outboxRoutes } from './outbox-routes';
import { changePassword } from './password';
import { Code, Password, RecoveryCode, SessionSchema } from './schemas';
import { renewSessions, sessionSettingsOf } from './tokens';
import {
  confirmTwoFactor,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactor,
  twoFactorStatus,
} from './two-factor';

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

export function accountMailSettings(deps: ControlPlaneDeps): AccountMailSettings {
  return {
    mailer: deps.mail,
    link: (path, token) => dashboardLink(deps, path, token),
    verificationTtlSeconds: deps.config.EMAIL_VERIFICATION_TTL_SECONDS,
    resetTtlSeconds: deps.config.PASSWORD_RESET_TTL_SECONDS,
  };
}

export function accountSecurityRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const box = deps.secretBox;
  const mail = accountMailSettings(deps);
  const sessions = sessionSettingsOf(deps.config);
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
      description: 'Every session of the account ends, this one included; the answer is a new session for the caller.',
      tags,
      request: { body: json(Confirmation) },
      responses: { 200: ok('Off; the new session', SessionSchema) },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      await disableTwoFactor(ctxOf(c), box, userId, c.req.valid('json'));
      const session = await renewSessions(ctxOf(c), sessions, userId);
      await c.get('sessions').ended(userId);
      return c.json({ user: await getMe(ctxOf(c), userId), ...session }, 200);
    },
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/password',
      operationId: 'changePassword',
      summary: 'Change the password (the current one, and a code or recovery code with 2FA on)',
      description: 'Every session of the account ends, this one included; the answer is a new session for the caller.',
      tags,
      request: {
        body: json(
          z.strictObject({
            currentPassword: z.string().min(1).max(200),
            newPassword: Password,
            code: Code.optional(),
            recoveryCode: RecoveryCode.optional(),
          }),
        ),
      },
      responses: { 200: ok('Changed; the new session', SessionSchema) },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      const result = await changePassword(ctxOf(c), box, sessions, userId, c.req.valid('json'));
      await c.get('sessions').ended(userId);
      return c.json(result, 200);
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
      const { userId } = await resetPassword(ctxOf(c), token, password);
      await c.get('sessions').ended(userId);
      return c.body(null, 204);
    },
  );

  app.route('/', outboxRoutes(deps, mail.mailer));

  return app;
}
