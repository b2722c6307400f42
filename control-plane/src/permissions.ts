// One permission table decides every app-scoped route: which member roles, and whether an API key, may call it.

export const MEMBER_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const ALL: readonly MemberRole[] = MEMBER_ROLES;
const EDITORS: readonly MemberRole[] = ['owner', 'admin', 'editor'];
const ADMINS: readonly MemberRole[] = ['owner', 'admin'];
const OWNERS: readonly MemberRole[] = ['owner'];

export interface Permission {
  roles: readonly MemberRole[];
  /** Whether a server-to-server call with this app's API key may use it. */
  apiKey: boolean;
}

export const PERMISSIONS = {
  'app.read': { roles: ALL, apiKey: true },
  'app.update': { roles: ADMINS, apiKey: false },
  'app.archive': { roles: ADMINS, apiKey: false },
  'app.delete': { roles: OWNERS, apiKey: false },
  'keys.read': { roles: ADMINS, apiKey: false },
  'keys.write': { roles: ADMINS, apiKey: false },
  'members.read': { roles: ALL, apiKey: false },
  'members.write': { roles: ADMINS, apiKey: false },
  'audit.read': { roles: ADMINS, apiKey: true },
  'streams.read': { roles: ALL, apiKey: true },
  'streams.write': { roles: EDITORS, apiKey: true },
  'webhooks.read': { roles: EDITORS, apiKey: true },
  'webhooks.write': { roles: ADMINS, apiKey: true },
  'chat.read': { roles: ALL, apiKey: true },
  'chat.write': { roles: EDITORS, apiKey: true },
  'branding.read': { roles: ALL, apiKey: true },
  'branding.write': { roles: ADMINS, apiKey: false },
  'analytics.read': { roles: ALL, apiKey: true },
  'security.read': { roles: ALL, apiKey: false },
  'security.write': { roles: OWNERS, apiKey: false },
  'data.export': { roles: ADMINS, apiKey: false },
  'endusers.data': { roles: ADMINS, apiKey: true },
  'usage.read': { roles: ALL, apiKey: true },
  'billing.read': { roles: ADMINS, apiKey: true },
  'billing.write': { roles: ADMINS, apiKey: false },
} as const satisfies Record<string, Permission>;

export type PermissionName = keyof typeof PERMISSIONS;

export function roleMay(role: MemberRole, permission: PermissionName): boolean {
  return (PERMISSIONS[permission].roles as readonly MemberRole[]).includes(role);
}

/** Whether an app-scoped actor (a member with its role, or an API key) holds a permission. */
export function actorMay(
  actor: { type: 'developer'; role?: MemberRole } | { type: 'apiKey' } | { type: 'edge' | 'system' },
  permission: PermissionName,
): boolean {
  if (actor.type === 'developer') return !!actor.role && roleMay(actor.role, permission);
  return actor.type === 'apiKey' && PERMISSIONS[permission].apiKey;
}

/** Owners outrank admins: only an owner may grant, change or remove the owner role. */
export function canAssignRole(actorRole: MemberRole, from: MemberRole | null, to: MemberRole | null): boolean {
  if (actorRole === 'owner') return true;
  return from !== 'owner' && to !== 'owner';
}
