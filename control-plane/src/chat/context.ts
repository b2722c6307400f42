// The control plane's side of the chat domain: the caller becomes a server actor. Chat throws the shared domain
// errors, which the HTTP mapper turns into responses as it does the control plane's own.
import { createChatServices, type ChatCtx, type ChatServices } from '@beamline/chat';
import type { Context } from 'hono';
import { actorId } from '../context';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';

/** Built once, on first use: creating the services ensures the chat indexes. */
export function lazyChatServices(deps: ControlPlaneDeps): () => Promise<ChatServices> {
  let services: Promise<ChatServices> | undefined;
  return () =>
    (services ??= createChatServices({
      store: deps.store,
      events: deps.events,
      log: deps.log.child({ feature: 'chat' }),
      ...(deps.redis ? { redis: deps.redis } : {}),
      now: () => deps.clock.now(),
    }));
}

export async function chatCtxOf(c: Context<HttpEnv>, chat: () => Promise<ChatServices>): Promise<ChatCtx> {
  const ctx = appCtxOf(c);
  return { appId: ctx.appId, actor: { type: 'server', id: actorId(ctx.actor) }, chat: await chat(), ip: c.get('ip') };
}
