// API key secrets: the control plane issues them, realtime and the edge verify tokens signed with them.
import type { DocumentStore } from './store';
import type { SecretBox } from './crypto';
import { apiKeyLookup } from './owners/api-keys';

export interface ActiveApiKey {
  id: string;
  appId: string;
  key: string;
  /** The current secret first, then the previous one while its rotation grace lasts. */
  secrets: string[];
  /** When the previous secret (the second of `secrets`) stops working. */
  previousSecretExpiresAt?: string;
}

/** Finds a key that is not revoked and opens its usable secrets; null for unknown or revoked keys. */
export async function findActiveApiKey(
  store: DocumentStore,
  box: SecretBox,
  key: string,
  now: Date,
): Promise<ActiveApiKey | null> {
  if (typeof key !== 'string' || key.length === 0 || key.length > 128) return null;
  const doc = await apiKeyLookup(store).findOne({ key });
  if (!doc || doc.revokedAt) return null;
  const active: ActiveApiKey = { id: doc.id, appId: doc.appId, key: doc.key, secrets: [box.open(doc.secretSealed)] };
  if (doc.previousSecretSealed && doc.previousSecretExpiresAt && doc.previousSecretExpiresAt > now.toISOString()) {
    active.secrets.push(box.open(doc.previousSecretSealed));
    active.previousSecretExpiresAt = doc.previousSecretExpiresAt;
  }
  return active;
}
