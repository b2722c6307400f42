// Prefixed random ids: a log line or a support ticket says what an id is.
import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = {
  user: 'usr',
  app: 'app',
  apiKey: 'key',
  member: 'mem',
  invitation: 'inv',
  refreshToken: 'rtk',
  audit: 'aud',
  stream: 'str',
  recording: 'rec',
  profile: 'prf',
  webhook: 'whk',
  delivery: 'dlv',
  event: 'evt',
  channel: 'chn',
  message: 'msg',
  request: 'req',
  domain: 'dom',
  upload: 'upl',
  mail: 'mail',
  accountToken: 'atk',
  dataRequest: 'drq',
  recoveryCode: 'rcv',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A url-safe random string of `length` characters from a 62-letter alphabet. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out.length === length ? out : out + randomToken(length - out.length);
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomToken(20)}`;
}
