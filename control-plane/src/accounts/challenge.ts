// The log-in challenge of an account with 2FA: a short-lived token that proves the password step, nothing more.
import { hmacKey } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { Unauthorized } from '../errors';

export const CHALLENGE_TTL_SECONDS = 300;
const TYPE = 'login_challenge';

export interface TwoFactorChallenge {
  twoFactorRequired: true;
  challengeToken: string;
  expiresIn: number;
}

export function twoFactorChallenge(secret: string, userId: string): TwoFactorChallenge {
  const challengeToken = jwt.sign({ typ: TYPE }, hmacKey(secret), {
    subject: userId,
    expiresIn: CHALLENGE_TTL_SECONDS,
    algorithm: 'HS256',
    issuer: 'beamline',
  });
  return { twoFactorRequired: true, challengeToken, expiresIn: CHALLENGE_TTL_SECONDS };
}

/** The user id of a valid challenge; an access token or anything else is refused. */
export function readChallenge(secret: string, token: string): string {
  try {
    const claims = jwt.verify(token, hmacKey(secret), { algorithms: ['HS256'], issuer: 'beamline' }) as jwt.JwtPayload;
    if (claims.typ === TYPE && typeof claims.sub === 'string') return claims.sub;
  } catch {
    // expired or forged: the same answer
  }
  throw Unauthorized('invalid_challenge', 'The log-in challenge is not valid or has expired; log in again.');
}
