// Owner of the `branding` collection's name and shared fields: the control plane's branding feature keeps the whole
// document (BrandingDoc extends BrandingRecord); chat reads whether guests may chat.
import { tenantCollection, type Collection, type DocumentStore, type IndexSpec, type TenantCollection } from '../store';

export const BRANDING = 'branding';

export interface BrandingRecord {
  id: string;
  appId: string;
  /** Whether viewers of the hosted player page may chat, by default. */
  guestChat?: boolean;
}

export const BRANDING_RECORD_INDEXES: IndexSpec[] = [{ collection: BRANDING, fields: ['appId'], unique: true }];

/** Cross-tenant, for the player page's look-ups by app. */
export function brandingCollection<T extends BrandingRecord = BrandingRecord>(store: DocumentStore): Collection<T> {
  return store.collection<T>(BRANDING);
}

export function appBranding<T extends BrandingRecord = BrandingRecord>(
  store: DocumentStore,
  appId: string,
): TenantCollection<T> {
  return tenantCollection(brandingCollection<T>(store), appId);
}
