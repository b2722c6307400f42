// HTTP transport of the team: members and invitations.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf, ctxOf, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, developerRoute, json, ok } from '../http/route';
import { AppIdParams, idParam } from '../http/schemas';
import { MEMBER_ROLES } from '../permissions';
import {
  acceptInvitation,
  changeRole,
  invite,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from './members';

const Role = z.enum(MEMBER_ROLES);
export const MemberSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    role: Role,
    createdAt: z.string(),
  })
  .openapi('Member');
const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: Role,
    createdAt: z.string(),
    expiresAt: z.string(),
    status: z.enum(['pending', 'accepted']),
  })
  .openapi('Invitation');

const MemberParams = AppIdParams.extend({ memberId: idParam('memberId', 'mem') });
const InvitationParams = AppIdParams.extend({ invitationId: idParam('invitationId', 'inv') });
const tags = ['Team'];

export function memberRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    appRoute('members.read', {
      method: 'get',
      path: '/v1/apps/{appId}/members',
      operationId: 'listMembers',
      summary: 'List the members of an app',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Members', z.object({ data: z.array(MemberSchema), nextCursor: z.null() })) },
    }),
    async (c) => c.json({ data: await listMembers(appCtxOf(c)), nextCursor: null }, 200),
  );

  app.openapi(
    appRoute('members.write', {
      method: 'post',
      path: '/v1/apps/{appId}/members/invitations',
      operationId: 'inviteMember',
      summary: 'Invite someone by email; the single-use token is returned once',
      tags,
      request: { params: AppIdParams, body: json(z.strictObject({ email: z.email().max(254), role: Role })) },
      responses: {
        201: ok('The invitation', z.object({ invitation: InvitationSchema, token: z.string(), acceptUrl: z.string() })),
      },
    }),
    async (c) => {
      const result = await invite(appCtxOf(c), deps.config.PUBLIC_BASE_URL, c.req.valid('json'));
      c.set('auditTarget', result.invitation.id);
      return c.json(result, 201);
    },
  );

  app.openapi(
    appRoute('members.read', {
      method: 'get',
      path: '/v1/apps/{appId}/members/invitations',
      operationId: 'listInvitations',
      summary: 'List pending invitations',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Invitations', z.object({ data: z.array(InvitationSchema), nextCursor: z.null() })) },
    }),
    async (c) => c.json({ data: await listInvitations(appCtxOf(c)), nextCursor: null }, 200),
  );

  app.openapi(
    appRoute('members.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/members/invitations/{invitationId}',
      operationId: 'revokeInvitation',
      summary: 'Withdraw a pending invitation',
      tags,
      request: { params: InvitationParams },
      responses: { 204: { description: 'Withdrawn' } },
    }),
    async (c) => {
      await revokeInvitation(appCtxOf(c), c.req.valid('param').invitationId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    appRoute('members.write', {
      method: 'patch',
      path: '/v1/apps/{appId}/members/{memberId}',
      operationId: 'changeMemberRole',
      summary: "Change a member's role (the last owner cannot be demoted)",
      tags,
      request: { params: MemberParams, body: json(z.strictObject({ role: Role })) },
      responses: { 200: ok('The member', MemberSchema) },
    }),
    async (c) => c.json(await changeRole(appCtxOf(c), c.req.valid('param').memberId, c.req.valid('json').role), 200),
  );

  app.openapi(
    appRoute('members.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/members/{memberId}',
      operationId: 'removeMember',
      summary: 'Remove a member (the last owner cannot be removed)',
      tags,
      request: { params: MemberParams },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      await removeMember(appCtxOf(c), c.req.valid('param').memberId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/invitations/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation as the signed-in developer',
      tags,
      request: { body: json(z.strictObject({ token: z.string().min(1).max(200) })) },
      responses: { 200: ok('The new membership', z.object({ appId: z.string(), member: MemberSchema })) },
    }),
    async (c) => {
      const result = await acceptInvitation(ctxOf(c), requireDeveloper(c), c.req.valid('json').token);
      c.set('auditTarget', result.member.id);
      c.set('auditAppId', result.appId);
      return c.json(result, 200);
    },
  );

  return app;
}
