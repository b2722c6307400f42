// The chat feature of the control plane: channels, messages, moderation, user tokens, uploads.
import { CHAT_COLLECTIONS } from '@beamline/chat';
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
  return [
    { routes: channelRoutes(chat), tenantCollections: CHAT_COLLECTIONS },
    { routes: moderationRoutes(chat) },
    { routes: userRoutes(deps) },
    { routes: uploadRoutes(deps, chat) },
    { routes: chatSettingsRoutes() },
  ];
}
