// The control plane's collections, their documents and indexes. Tenant data is reached through forApp(appId).
import {
  API_KEY_INDEXES,
  API_KEYS,
  apiKeyLookup,
  appsCollection,
  AUDIT_COLLECTION,
  auditLogOf,
  tenantCollection,
  type ApiKeyDoc,
  type AppDoc,
  type AuditDoc,
  type Collection,
  type DocumentStore,
  type IndexSpec,
  type TenantCollection,
} from '@beamline/core';
import type { MemberRole } from './permissions';

export type { ApiKeyDoc, AppDoc, AuditDoc };

export interface UserDoc {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: string;
  emailVerifiedAt?: string;
  /** TOTP second factor; see accounts/two-factor.ts. */
  twoFactor?: TwoFactorState;
}

export interface TwoFactorState {
  secretSealed: string;
  /** Unset while enrolment waits for the first code. */
  enabledAt?: string;
  /** The last accepted TOTP time step: a code is accepted once. */
  lastTimeStep?: number;
}

export interface MemberDoc {
  id: string;
  appId: string;
  userId: string;
  role: MemberRole;
  createdAt: string;
}

export interface InvitationDoc {
  id: string;
  appId: string;
  email: string;
  role: MemberRole;
  tokenDigest: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt?: string;
  acceptedBy?: string;
}

export interface RefreshTokenDoc {
  id: string;
  userId: string;
  family: string;
  tokenDigest: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
}

/** Collections whose documents belong to one app; each gets an appId index. */
export const TENANT_COLLECTIONS = ['members', API_KEYS, 'invitations', AUDIT_COLLECTION] as const;

export const CONTROL_PLANE_INDEXES: IndexSpec[] = [
  { collection: 'users', fields: ['email'], unique: true },
  { collection: 'invitations', fields: ['tokenDigest'], unique: true },
  { collection: 'members', fields: ['userId'] },
  { collection: 'refresh_tokens', fields: ['family'] },
  { collection: 'refresh_tokens', fields: ['userId'] },
  ...TENANT_COLLECTIONS.filter((c) => c !== API_KEYS).map((collection) => ({ collection, fields: ['appId'] })),
  ...API_KEY_INDEXES,
];

export interface TenantRepos {
  members: TenantCollection<MemberDoc>;
  apiKeys: TenantCollection<ApiKeyDoc>;
  invitations: TenantCollection<InvitationDoc>;
  /** Read-only: every entry is written by core's recordAudit. */
  audit: Pick<TenantCollection<AuditDoc>, 'find' | 'findOne' | 'count'>;
}

export interface Repos {
  users: Collection<UserDoc>;
  apps: Collection<AppDoc>;
  refreshTokens: Collection<RefreshTokenDoc>;
  /** Cross-tenant look-ups for authentication only: by key, by invitation token, by user. */
  lookup: {
    apiKeys: Collection<ApiKeyDoc>;
    invitations: Collection<InvitationDoc>;
    members: Collection<MemberDoc>;
  };
  forApp(appId: string): TenantRepos;
}

export function createRepos(store: DocumentStore): Repos {
  const members = store.collection<MemberDoc>('members');
  const apiKeys = apiKeyLookup(store);
  const invitations = store.collection<InvitationDoc>('invitations');
  return {
    users: store.collection<UserDoc>('users'),
    apps: appsCollection(store),
    refreshTokens: store.collection<RefreshTokenDoc>('refresh_tokens'),
    lookup: { apiKeys, invitations, members },
    forApp: (appId) => ({
      members: tenantCollection(members, appId),
      apiKeys: tenantCollection(apiKeys, appId),
      invitations: tenantCollection(invitations, appId),
      audit: auditLogOf(store, appId),
    }),
  };
}
