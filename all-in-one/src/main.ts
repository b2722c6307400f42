// Composition root of all-in-one mode (`npm start`): every service in one process, nothing else to install.
import { ConfigError } from '@beamline/core';
import { startPlatform } from './platform';
import { seedDemo } from './seed';

/** Whether the control plane serves the development outbox (DEV_OUTBOX, or its former name, without SMTP). */
const outboxOn = (env: NodeJS.ProcessEnv) =>
  !env.SMTP_URL && ['true', '1'].includes(env.DEV_OUTBOX || env.MAIL_OUTBOX_ROUTES || '');

async function main() {
  const platform = await startPlatform(process.env);
  const demo =
    process.env.SEED_DEMO === 'false' ? null : await seedDemo(platform.controlPlane, process.env.DATA_DIR || './data');
  const lines = [
    '',
    'Beamline is running (all-in-one mode)',
    `  Dashboard      ${platform.urls.dashboard}`,
    `  REST API       ${platform.urls.api}/v1`,
    `  API reference  ${platform.urls.docs}`,
    ...(platform.urls.realtime
      ? [`  Realtime       ${platform.urls.realtime}  (Socket.IO: chat and live events)`]
      : []),
    ...(platform.urls.rtmp
      ? [`  RTMP ingest    ${platform.urls.rtmp}  (OBS server URL; the stream key comes from the dashboard)`]
      : []),
    ...(platform.urls.hls ? [`  HLS playback   ${platform.urls.hls}/hls/{playbackId}/master.m3u8`] : []),
    ...(demo ? [`  Demo login     ${demo.email} / ${demo.password}`] : []),
    ...(outboxOn(process.env)
      ? [
          `  Mail outbox    ${platform.urls.dashboard}/dev/outbox  (DEV_OUTBOX; for the operator: ${
            process.env.OPERATOR_EMAILS || (demo ? 'the demo login' : 'the first account registered')
          })`,
        ]
      : []),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  platform.log.info({ event: 'ready', urls: platform.urls }, 'ready');
  const stop = async (signal: string) => {
    platform.log.info({ signal }, 'shutting down');
    await platform.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`beamline: ${err.message}\nFix the variables above and start again.`);
  else console.error('beamline failed to start:', err);
  process.exit(1);
});
