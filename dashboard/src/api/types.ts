// The API's resource shapes as the dashboard reads them.

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface App {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  role: Role | null;
}

export interface ApiKey {
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

export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

export interface Member {
  id: string;
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted';
}

export interface AuditEntry {
  id: string;
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
