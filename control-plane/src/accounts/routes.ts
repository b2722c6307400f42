// HTTP transport of developer accounts.
import { createRateLimit } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { ctxOf, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { developerRoute, json, ok, publicRoute } from '../http/route';
import { text } from '../http/schemas';
import { getMe, login, register } from './accounts';
import { sendVerificationMail } from './email';
import { ChallengeSchema, Password, SessionSchema, TokenPair, UserSchema } from './schemas';
import { accountMailSettings, accountSecurityRoutes } from './security-routes';
import { completeTwoFactorLogin } from './two-factor-login';
import { refreshSession, revokeAllSessions, revokeSession, sessionSettingsOf } from './tokens';

const Email = z.email().max(254).openapi({ example: 'dev@example.com' });
const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(300) });

const tags = ['Accounts'];

export function accountRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const s = sessionSettingsOf(deps.config);
  const mail = accountMailSettings(deps);
  const limits = {
    perAccount: createRateLimit({
      name: 'login-account',
      points: deps.config.LOGIN_FAILURES_PER_ACCOUNT,
      durationSeconds: 900,
      redis: deps.redis,
    }),
    perIp: createRateLimit({
      name: 'login-ip',
      points: deps.config.LOGIN_FAILURES_PER_IP,
      durationSeconds: 900,
      redis: deps.redis,
    }),
  };

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/register',
      operationId: 'register',
      summary: 'Create a developer account',
      tags,
      request: { body: json(z.strictObject({ email: Email, password: Password, name: text(100).optional() })) },
      responses: { 201: ok('The new account, signed in', SessionSchema) },
    }),
    async (c) => {
      const result = await register(ctxOf(c), s, c.req.valid('json'));
      c.set('auditTarget', result.user.id);
      // The account works at once; a mail that fails to go out can be asked for again.
      await sendVerificationMail(ctxOf(c), mail, result.user.id).catch((err: unknown) =>
        c.get('log').warn({ err }, 'verification mail not sent'),
      );
      return c.json(result, 201);
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/login',
      operationId: 'login',
      summary: 'Log in with email and password',
      description:
        'Failed attempts are rate limited per account and per IP address. With two-factor authentication on, the answer is a challenge to complete at /v1/auth/login/2fa.',
      tags,
      request: { body: json(z.strictObject({ email: Email, password: z.string().min(1).max(200) })) },
      responses: { 200: ok('Signed in, or a two-factor challenge', z.union([SessionSchema, ChallengeSchema])) },
    }),
    async (c) => c.json(await login(ctxOf(c), s, limits, { ...c.req.valid('json'), ip: c.get('ip') }), 200),
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/login/2fa',
      operationId: 'completeLogin',
      summary: 'Complete a log-in with a two-factor code or a recovery code',
      description: 'Send the challengeToken of /v1/auth/login with either code (TOTP) or recoveryCode (works once).',
      tags,
      request: {
        body: json(
          z.strictObject({
            challengeToken: z.string().min(1).max(2000),
            code: z
              .string()
              .regex(/^\d{6}$/, 'must be 6 digits')
              .optional(),
            recoveryCode: z.string().min(8).max(40).optional(),
          }),
        ),
      },
      responses: { 200: ok('Signed in', SessionSchema) },
    }),
    async (c) => {
      const input = { ...c.req.valid('json'), ip: c.get('ip') };
      return c.json(await completeTwoFactorLogin(ctxOf(c), s, deps.secretBox, limits, input), 200);
    },
  );
  app.route('/', accountSecurityRoutes(deps));

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Trade a refresh token for a new pair',
      description: 'Refresh tokens rotate: each works once. Reusing one revokes every session of that login.',
      tags,
      request: { body: json(RefreshBody) },
      responses: { 200: ok('A new token pair', z.object(TokenPair).openapi('TokenPair')) },
    }),
    async (c) => {
      const ended = (userId: string) => c.get('sessions').ended(userId);
      return c.json(await refreshSession(ctxOf(c), s, c.req.valid('json').refreshToken, ended), 200);
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/auth/logout',
      operationId: 'logout',
      summary: 'Revoke a session',
      description: 'Its refresh token and every access token of it stop working at once, on every node.',
      tags,
      request: { body: json(RefreshBody) },
      responses: { 204: { description: 'Revoked' } },
    }),
    async (c) => {
      const { userId } = await revokeSession(ctxOf(c), c.req.valid('json').refreshToken);
      await c.get('sessions').ended(userId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/auth/logout-all',
      operationId: 'logoutEverywhere',
      summary: 'Sign out everywhere',
      description:
        'Revokes every session of the signed-in developer, this one included: all refresh and access tokens stop working at once.',
      tags,
      responses: { 204: { description: 'Every session revoked' } },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      await revokeAllSessions(ctxOf(c), userId);
      await c.get('sessions').ended(userId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in developer',
      tags,
      responses: { 200: ok('The account', z.object({ user: UserSchema })) },
    }),
    async (c) => c.json({ user: await getMe(ctxOf(c), requireDeveloper(c)) }, 200),
  );

  return app;
}
