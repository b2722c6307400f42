// UI-only types. The API's resources are the SDK's types, generated from the OpenAPI document (@beamline/sdk).
import type { Member } from '@beamline/sdk';

export type Role = Member['role'];
/** The roles in the order the team page offers them. */
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];
