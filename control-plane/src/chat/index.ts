// The chat feature of the control plane: channels, messages, moderation, user tokens, uploads.
import { ATTACHMENT_COLLECTIONS, ATTACHMENT_INDEXES, CHAT_COLLECTIONS } from '@beamline/realtime';
import type { ControlPlaneDeps } from '../deps';
import type { RouteModule } from '../http/app';
import { channelRoutes } from './channel-routes';
import { lazyChatServices } from './context';
import { moderationRoutes } from './moderation-routes';
import { chatSettingsRoutes } from './settings-routes';
import { uploadRoutes } from './upload-routes';
import { userRoutes } from './user-routes';

export function chatModules(deps: ControlPlaneDeps): RouteModule[] {
  const chat = lazyChatServices(deps);
  deps.store
    .ensureIndexes(ATTACHMENT_INDEXES)
    .catch((err: unknown) => deps.log.error({ err }, 'upload indexes could not be created'));
  return [
    { routes: channelRoutes(chat), tenantCollections: CHAT_COLLECTIONS },
    { routes: moderationRoutes(chat) },
    { routes: userRoutes(deps) },
    { routes: uploadRoutes(deps, chat), tenantCollections: ATTACHMENT_COLLECTIONS },
    { routes: chatSettingsRoutes() },
  ];
}
