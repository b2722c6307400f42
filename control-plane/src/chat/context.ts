// Bridges the control plane to the chat domain: the caller becomes a server actor, chat errors become domain errors.
import { ChatError, createChatServices, type ChatCtx, type ChatServices } from '@beamline/realtime';
import type { Context } from 'hono';
import { actorId } from '../context';
import type { ControlPlaneDeps } from '../deps';
import { DomainError, RateLimited } from '../errors';
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

/** Runs a chat verb and turns its errors into the control plane's error family. */
export async function run<T>(verb: () => Promise<T>): Promise<T> {
  try {
    return await verb();
  } catch (err) {
    if (!(err instanceof ChatError)) throw err;
    if (err.kind === 'rate_limited') {
      const wait = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 1;
      throw new RateLimited(wait, err.message);
    }
    throw new DomainError(err.kind, err.code, err.message, err.details);
  }
}
