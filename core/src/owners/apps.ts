// Owner of the `apps` collection: the app document and its accessor. Every service reads apps through it.
import type { Collection, DocumentStore } from '../store';

export const APPS = 'apps';

export interface AppDoc {
  id: string;
  name: string;
  description?: string;
  status: 'active' | 'archived';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Members without two-factor authentication get 403 two_factor_required on this app. */
  requireTwoFactor?: boolean;
  /** Browser origins allowed to call this app's API and connect to its chat. */
  allowedOrigins?: string[];
  /** Realtime accepts user tokens without exp only when true. */
  allowNonExpiringUserTokens?: boolean;
}

/** Apps are the tenants themselves, so the collection is reached by id, not through a tenant view. */
export function appsCollection(store: DocumentStore): Collection<AppDoc> {
  return store.collection<AppDoc>(APPS);
}
