// One small interface per video encoder: the arguments that select it and set its rate control for one output stream.
import type { Rendition, VideoEncoderName } from '@beamline/protocol/edge';

export interface EncoderContext {
  /** Output video stream index the options apply to (`-b:v:{index}`). */
  index: number;
  rendition: Rendition;
  preset: string;
  lowLatency: boolean;
}

export interface VideoEncoder {
  /** Filters appended after scale/fps (hardware upload for VA-API). */
  filterSuffix: string;
  /** Arguments before any output (device initialisation). */
  globalArgs: string[];
  streamArgs(ctx: EncoderContext): string[];
}

const rateControl = ({ index, rendition }: EncoderContext) => [
  `-b:v:${index}`,
  `${rendition.videoBitrateKbps}k`,
  `-maxrate:v:${index}`,
  `${Math.round(rendition.videoBitrateKbps * 1.07)}k`,
  `-bufsize:v:${index}`,
  `${Math.round(rendition.videoBitrateKbps * 1.5)}k`,
];

const x264: VideoEncoder = {
  filterSuffix: '',
  globalArgs: [],
  streamArgs: (ctx) => [
    `-c:v:${ctx.index}`,
    'libx264',
    `-preset:v:${ctx.index}`,
    ctx.preset,
    `-profile:v:${ctx.index}`,
    'high',
    ...(ctx.lowLatency ? [`-tune:v:${ctx.index}`, 'zerolatency'] : []),
    ...rateControl(ctx),
  ],
};

const nvenc: VideoEncoder = {
  filterSuffix: '',
  globalArgs: [],
  streamArgs: (ctx) => [
    `-c:v:${ctx.index}`,
    'h264_nvenc',
    `-preset:v:${ctx.index}`,
    ctx.lowLatency ? 'p1' : 'p4',
    ...(ctx.lowLatency ? [`-tune:v:${ctx.index}`, 'll'] : []),
    `-rc:v:${ctx.index}`,
    'cbr',
    ...rateControl(ctx),
  ],
};

const vaapi: VideoEncoder = {
  filterSuffix: ',format=nv12,hwupload',
  globalArgs: ['-vaapi_device', '/dev/dri/renderD128'],
  streamArgs: (ctx) => [`-c:v:${ctx.index}`, 'h264_vaapi', ...rateControl(ctx)],
};

const qsv: VideoEncoder = {
  filterSuffix: '',
  globalArgs: [],
  streamArgs: (ctx) => [
    `-c:v:${ctx.index}`,
    'h264_qsv',
    `-preset:v:${ctx.index}`,
    ctx.lowLatency ? 'veryfast' : 'medium',
    ...rateControl(ctx),
  ],
};

/** The ffmpeg interface of each encoder protocol's VIDEO_ENCODERS names. */
export const ENCODER_ARGS: Record<VideoEncoderName, VideoEncoder> = {
  libx264: x264,
  h264_nvenc: nvenc,
  h264_vaapi: vaapi,
  h264_qsv: qsv,
};
