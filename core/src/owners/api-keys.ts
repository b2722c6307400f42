// Owner of the `api_keys` collection: the key document, its indexes, the cross-tenant look-up and tenant view.
import { tenantCollection, type Collection, type DocumentStore, type IndexSpec, type TenantCollection } from '../store';

export const API_KEYS = 'api_keys';

export interface ApiKeyDoc {
  id: string;
  appId: string;
  name: string;
  /** The public half, sent as the Basic-auth user name and as the `app` claim of user tokens. */
  key: string;
  secretSealed: string;
  secretLast4: string;
  previousSecretSealed?: string;
  previousSecretExpiresAt?: string;
  createdAt: string;
  rotatedAt?: string;
  revokedAt?: string;
}

export const API_KEY_INDEXES: IndexSpec[] = [
  { collection: API_KEYS, fields: ['key'], unique: true },
  { collection: API_KEYS, fields: ['appId'] },
];

/** Cross-tenant, for authentication only: a key is looked up by its public half before its app is known. */
export function apiKeyLookup(store: DocumentStore): Collection<ApiKeyDoc> {
  return store.collection<ApiKeyDoc>(API_KEYS);
}

export function appApiKeys(store: DocumentStore, appId: string): TenantCollection<ApiKeyDoc> {
  return tenantCollection(apiKeyLookup(store), appId);
}
