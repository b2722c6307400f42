// Chat user tokens the control plane signs itself, as a developer's backend would: with the app's newest active
// API key. The dashboard's own realtime session (scope dashboard) and player-page guests (role guest, one channel)
// use them.
import { tenantCollection } from '@beamline/core';
import type { UserRole } from '@beamline/protocol';
import { signUserToken } from '@beamline/chat';
import type { ControlPlaneDeps } from '../deps';
import { Conflict } from '../errors';
import type { Repos } from '../repos';

export interface SignedUserToken {
  token: string;
  expiresAt: string;
}

export async function signAppUserToken(
  deps: Pick<ControlPlaneDeps, 'secretBox'>,
  repos: Repos,
  appId: string,
  user: { sub: string; role: UserRole; name?: string; scope?: 'dashboard'; channel?: string },
  ttlSeconds: number,
  now: Date,
): Promise<SignedUserToken> {
  const [key] = await tenantCollection(repos.lookup.apiKeys, appId).find(
    { revokedAt: { $exists: false } },
    { sort: { createdAt: -1 }, limit: 1 },
  );
  if (!key) throw Conflict('no_active_api_key', 'This app has no active API key to sign realtime tokens with.');
  const token = signUserToken(
    deps.secretBox.open(key.secretSealed),
    {
      sub: user.sub,
      app: key.key,
      role: user.role,
      ...(user.scope ? { scope: user.scope } : {}),
      ...(user.channel ? { channel: user.channel } : {}),
      ...(user.name ? { name: user.name } : {}),
    },
    ttlSeconds,
  );
  return { token, expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
}
