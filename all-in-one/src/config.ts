// All-in-one mode: every service in one process, embedded store, secrets generated under DATA_DIR,
// and public URLs derived from the ports when the operator gives none.
import { loadOrCreateSecrets } from '@beamline/core';

export function allInOneEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const dataDir = env.DATA_DIR || './data';
  const secrets = loadOrCreateSecrets(dataDir);
  const host = env.PUBLIC_HOST || 'localhost';
  const port = env.PORT || '8080';
  return {
    ...env,
    DATA_DIR: dataDir,
    JWT_SECRET: env.JWT_SECRET || secrets.JWT_SECRET,
    EDGE_SECRET: env.EDGE_SECRET || secrets.EDGE_SECRET,
    MASTER_KEY: env.MASTER_KEY || secrets.MASTER_KEY,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL || `http://${host}:${port}`,
    REALTIME_PUBLIC_URL: env.REALTIME_PUBLIC_URL || `http://${host}:${env.REALTIME_PORT || '8081'}`,
    RTMP_PUBLIC_URL: env.RTMP_PUBLIC_URL || `rtmp://${host}:${env.RTMP_PORT || '1935'}/live`,
    HLS_PUBLIC_URL: env.HLS_PUBLIC_URL || `http://${host}:${env.HLS_PORT || '8000'}`,
  };
}
