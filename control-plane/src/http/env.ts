// The Hono environment of the control plane: what middleware puts on each request.
import type { Logger } from '@beamline/core';
import type { SessionGate } from '../accounts/sessions';
import type { Access } from './access';
import type { Actor } from '../context';
import type { ControlPlaneDeps } from '../deps';
import type { MemberRole } from '../permissions';
import type { AppDoc, Repos } from '../repos';

export interface HttpEnv {
  Variables: {
    deps: ControlPlaneDeps;
    repos: Repos;
    /** This node's check of developer access tokens and their sessions. */
    sessions: SessionGate;
    /** This node's caches of what authentication reads (keys, apps, memberships, sessions). */
    access: Access;
    requestId: string;
    log: Logger;
    ip: string;
    actor?: Actor;
    app?: AppDoc;
    role?: MemberRole;
    /** The id of what a mutating call changed, for the audit log. */
    auditTarget?: string;
    /** For calls outside an app route that still change an app (creating it, joining it). */
    auditAppId?: string;
  };
}
