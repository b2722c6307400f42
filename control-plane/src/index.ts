// The control plane as a library: the all-in-one root and tests build it from Deps.
export { createControlPlane, type ControlPlane } from './service';
export { parseControlPlaneConfig, controlPlaneEnv, type ControlPlaneConfig } from './config';
export { controlPlaneDeps, type ControlPlaneAdapters, type ControlPlaneDeps } from './deps';
export { systemClock } from './context';
export type { RouteModule } from './http/app';
export { PERMISSIONS, type PermissionName } from './permissions';
