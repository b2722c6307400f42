// The media edge as a library: the all-in-one root and tests build it from its config.
export { createMediaEdge, type MediaEdge, type MediaEdgeDeps } from './edge';
export { parseMediaEdgeConfig, mediaEdgeEnv, type MediaEdgeConfig } from './config';
export { ControlPlaneClient } from './control-plane';
