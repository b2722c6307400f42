// API keys: the public key names the app, the secret (shown once) proves it. Secrets are sealed at rest.
import { newId, randomToken } from '@beamline/protocol';
import type { AppCtx, Ctx } from '../context';
import { Invalid, NotFound } from '../errors';
import type { ApiKeyDoc } from '../repos';
import type { SecretBox } from '@beamline/core';

export interface PublicApiKey {
  id: string;
  name: string;
  key: string;
  secretLast4: string;
  status: 'active' | 'revoked';
  createdAt: string;
  rotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  revokedAt: string | null;
}

export const publicKey = (k: ApiKeyDoc): PublicApiKey => ({
  id: k.id,
  name: k.name,
  key: k.key,
  secretLast4: k.secretLast4,
  status: k.revokedAt ? 'revoked' : 'active',
  createdAt: k.createdAt,
  rotatedAt: k.rotatedAt ?? null,
  previousSecretExpiresAt: k.previousSecretExpiresAt ?? null,
  revokedAt: k.revokedAt ?? null,
});

const newSecret = () => `sk_${randomToken(40)}`;

/** Creates a key for an app; the only time its secret is returned. Also used by app creation. */
export async function issueKey(ctx: Ctx, box: SecretBox, appId: string, name: string) {
  const secret = newSecret();
  const doc = await ctx.repos.forApp(appId).apiKeys.insert({
    id: newId('apiKey'),
    name,
    key: `pk_${randomToken(24)}`,
    secretSealed: box.seal(secret),
    secretLast4: secret.slice(-4),
    createdAt: ctx.clock.now().toISOString(),
  });
  return { ...publicKey(doc), secret };
}

export async function listKeys(ctx: AppCtx) {
  const rows = await ctx.repos.forApp(ctx.appId).apiKeys.find({}, { sort: { createdAt: -1 } });
  return rows.map(publicKey);
}

async function findKey(ctx: AppCtx, keyId: string) {
  const key = await ctx.repos.forApp(ctx.appId).apiKeys.findOne({ id: keyId });
  if (!key) throw NotFound('api_key_not_found', `No API key ${keyId} in this app.`);
  return key;
}

/** A new secret for the same key; the old one keeps working for `graceSeconds`. */
export async function rotateKey(ctx: AppCtx, box: SecretBox, keyId: string, graceSeconds: number) {
  const key = await findKey(ctx, keyId);
  if (key.revokedAt) throw Invalid('api_key_revoked', 'A revoked key cannot be rotated; create a new one.');
  const secret = newSecret();
  const now = ctx.clock.now();
  const updated = await ctx.repos.forApp(ctx.appId).apiKeys.updateOne(
    { id: keyId },
    {
      set: {
        secretSealed: box.seal(secret),
        secretLast4: secret.slice(-4),
        previousSecretSealed: key.secretSealed,
        previousSecretExpiresAt: new Date(now.getTime() + graceSeconds * 1000).toISOString(),
        rotatedAt: now.toISOString(),
      },
    },
  );
  await ctx.access.changed(keyId);
  return { ...publicKey(updated!), secret };
}

export async function revokeKey(ctx: AppCtx, keyId: string) {
  await findKey(ctx, keyId);
  const updated = await ctx.repos
    .forApp(ctx.appId)
    .apiKeys.updateOne(
      { id: keyId },
      { set: { revokedAt: ctx.clock.now().toISOString() }, unset: ['previousSecretSealed', 'previousSecretExpiresAt'] },
    );
  await ctx.access.changed(keyId);
  return publicKey(updated!);
}
