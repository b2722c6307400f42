// API key secrets: the control plane issues them, realtime and the edge verify tokens signed with them.
import type { DocumentStore } from './store';
import type { SecretBox } from './crypto';

export interface StoredApiKey {
  id: string;
  appId: string;
  key: string;
  secretSealed: string;
  previousSecretSealed?: string;
  previousSecretExpiresAt?: string;
  revokedAt?: string;
}

export interface ActiveApiKey {
  id: string;
  appId: string;
  key: string;
  /** The current secret first, then the previous one while its rotation grace lasts. */
  secrets: string[];
}

/** Finds a key that is not revoked and opens its usable secrets; null for unknown or revoked keys. */
export async function findActiveApiKey(
  store: DocumentStore,
  box: SecretBox,
  key: string,
  now: Date,
): Promise<ActiveApiKey | null> {
  if (typeof key !== 'string' || key.length === 0 || key.length > 128) return null;
  const doc = await store.collection<StoredApiKey>('api_keys').findOne({ key });
  if (!doc || doc.revokedAt) return null;
  const secrets = [box.open(doc.secretSealed)];
  if (doc.previousSecretSealed && doc.previousSecretExpiresAt && doc.previousSecretExpiresAt > now.toISOString()) {
    secrets.push(box.open(doc.previousSecretSealed));
  }
  return { id: doc.id, appId: doc.appId, key: doc.key, secrets };
}
