// Moderation done over the socket goes into the app's audit log beside the REST calls, through core's recordAudit.
import { recordAudit } from '@beamline/core';
import { newId } from '@beamline/protocol';
import type { ChatCtx } from './context';

/** REST moderation is audited by the control plane's middleware; this covers socket requests. */
export async function recordModeration(ctx: ChatCtx, action: string, target: string): Promise<void> {
  if (ctx.actor.type !== 'user') return;
  await recordAudit(ctx.chat.store, {
    appId: ctx.appId,
    actorType: 'user',
    actorId: ctx.actor.userId,
    action,
    method: 'SOCKET',
    path: action,
    target,
    status: 200,
    ip: ctx.ip ?? 'unknown',
    requestId: newId('request'),
    at: ctx.chat.now(),
  });
}
