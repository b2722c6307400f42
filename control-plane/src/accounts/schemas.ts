// Schemas shared by the account routes: the developer, a session's tokens, passwords and second factors.
import { z } from '@hono/zod-openapi';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    createdAt: z.string(),
    emailVerified: z.boolean(),
    twoFactorEnabled: z.boolean(),
  })
  .openapi('User');

export const TokenPair = { accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() };
export const SessionSchema = z.object({ user: UserSchema, ...TokenPair }).openapi('Session');

export const ChallengeSchema = z
  .object({
    twoFactorRequired: z.literal(true),
    challengeToken: z.string(),
    expiresIn: z.number().int(),
  })
  .openapi('LoginChallenge');

export const Password = z.string().min(10, 'must be at least 10 characters').max(200);
export const Code = z.string().regex(/^\d{6}$/, 'must be 6 digits');
export const RecoveryCode = z.string().min(8).max(40);
