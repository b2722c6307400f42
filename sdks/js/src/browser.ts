// Browser bundle entry of @beamline/sdk: the chat client and the player, for a plain page
// (`npx esbuild @beamline/sdk/browser --bundle --format=esm --outfile=beamline.js`).
export * from './chat/index';
export {
  attachPlayer,
  withToken,
  type Player,
  type PlayerEvents,
  type PlayerOptions,
  type PlayerStatus,
  type QualityLevel,
} from './player/index';
