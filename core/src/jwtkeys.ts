// HS256 keys as KeyObjects. Handing jsonwebtoken a plain string makes it first try (and fail) to
// parse the string as a public key on every call, which costs more than the signature itself.
import { createSecretKey, type KeyObject } from 'node:crypto';

const MAX_KEYS = 10_000;
const keys = new Map<string, KeyObject>();

/** The KeyObject for an HMAC secret, cached (bounded) so that each secret is wrapped once. */
export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
