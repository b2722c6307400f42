// The control plane's collections, their documents and indexes. Tenant data is reached through forApp(appId).
import {
  tenantCollection,
  type Collection,
  type DocumentStore,
  type IndexSpec,
  type TenantCollection,
} from '@beamline/core';
import type { MemberRole } from './permissions';

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
  /** Browser origins allowed to call this app's API and connect to its chat (security/cors.ts). */
  allowedOrigins?: string[];
  /** Realtime accepts user tokens without exp only when true (security/app-security.ts). */
  allowNonExpiringUserTokens?: boolean;
}

export interface MemberDoc {
  id: string;
  appId: string;
  userId: string;
  role: MemberRole;
  createdAt: string;
}

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

export interface AuditDoc {
  id: string;
  appId: string;
  actorType: string;
  actorId: string;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  ip: string;
  requestId: string;
  createdAt: string;
}

/** Collections whose documents belong to one app; each gets an appId index. */
export const TENANT_COLLECTIONS = ['members', 'api_keys', 'invitations', 'audit_logs'] as const;

export const CONTROL_PLANE_INDEXES: IndexSpec[] = [
  { collection: 'users', fields: ['email'], unique: true },
  { collection: 'api_keys', fields: ['key'], unique: true },
  { collection: 'invitations', fields: ['tokenDigest'], unique: true },
  { collection: 'members', fields: ['userId'] },
  { collection: 'refresh_tokens', fields: ['family'] },
  { collection: 'refresh_tokens', fields: ['userId'] },
  ...TENANT_COLLECTIONS.map((collection) => ({ collection, fields: ['appId'] })),
];

export interface TenantRepos {
  members: TenantCollection<MemberDoc>;
  apiKeys: TenantCollection<ApiKeyDoc>;
  invitations: TenantCollection<InvitationDoc>;
  audit: TenantCollection<AuditDoc>;
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
  const apiKeys = store.collection<ApiKeyDoc>('api_keys');
  const invitations = store.collection<InvitationDoc>('invitations');
  const audit = store.collection<AuditDoc>('audit_logs');
  return {
    users: store.collection<UserDoc>('users'),
    apps: store.collection<AppDoc>('apps'),
    refreshTokens: store.collection<RefreshTokenDoc>('refresh_tokens'),
    lookup: { apiKeys, invitations, members },
    forApp: (appId) => ({
      members: tenantCollection(members, appId),
      apiKeys: tenantCollection(apiKeys, appId),
      invitations: tenantCollection(invitations, appId),
      audit: tenantCollection(audit, appId),
    }),
  };
}
