// ffmpeg command lines as argument arrays, built by pure functions from a profile. The runner only executes them.
import { join } from 'node:path';
import { ENCODER_ARGS } from './encoders';
import type { LatencyMode } from '@beamline/protocol/edge';
import { segmentSecondsOf, variantNames, type LadderProfile } from './profile';

export interface FfmpegCommandArgs {
  /** Options before `-i pipe:0` (global options and the input format). */
  input: string[];
  outputs: { target: string; args: string[] }[];
}

export interface LadderInput {
  profile: LadderProfile;
  latency: LatencyMode;
  /** Directory of this live stream: variants in `{dir}/{name}/`. */
  dir: string;
  /** Keep every segment (an EVENT playlist that becomes the recording) instead of a sliding window. */
  record: boolean;
  /** Continue the playlists already in `dir` (a reconnect or a restart), marked by a discontinuity. */
  resume: boolean;
  hasAudio: boolean;
}

/** The master playlist ffmpeg writes; the edge publishes its own `master.m3u8` from it. */
export const FFMPEG_MASTER = 'ffmpeg-master.m3u8';
export const LIVE_WINDOW_SEGMENTS = 6;

/**
 * Segments in a live playlist: at least LIVE_WINDOW_SEGMENTS, and enough that dropping the oldest still leaves three
 * target durations (RFC 8216 6.2.2): 0.5 s segments have a target duration of 1 s, so they need 7.
 */
export function liveWindowSegments(segmentSeconds: number): number {
  return Math.max(LIVE_WINDOW_SEGMENTS, Math.ceil((3 * Math.ceil(segmentSeconds)) / segmentSeconds) + 1);
}

/**
 * The segment length handed to ffmpeg. Its HLS muxer writes EXT-X-TARGETDURATION as lrint() of the longest segment,
 * which rounds a tie to even: segments of exactly 0.5 s (or 2.5 s) get a target duration of 0 (or 2), below their
 * rounded length, which RFC 8216 4.3.3.1 forbids (and some players refuse). A fiftieth of a second more rounds up.
 */
export function muxerSegmentSeconds(segmentSeconds: number): number {
  const tie = Number.isInteger(segmentSeconds * 2) && !Number.isInteger(segmentSeconds);
  return tie && Math.floor(segmentSeconds) % 2 === 0 ? segmentSeconds + 0.02 : segmentSeconds;
}

/** Reading FLV from the ingest tap: headers come first, so a short probe is enough. */
export function flvInputArgs(): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-stats',
    '-stats_period',
    '1',
    '-probesize',
    '1000000',
    '-analyzeduration',
    '1000000',
    '-f',
    'flv',
  ];
}

const seconds = (n: number) => String(Number(n.toFixed(3)));

export function ladderArgs(input: LadderInput): FfmpegCommandArgs {
  const { profile, hasAudio } = input;
  const encoder = ENCODER_ARGS[profile.encoder];
  const nominal = segmentSecondsOf(profile, input.latency);
  const seg = muxerSegmentSeconds(nominal);
  const lowLatency = input.latency === 'low';
  const encoded = profile.renditions;
  const split = `[0:v]split=${encoded.length}${encoded.map((_, i) => `[in${i}]`).join('')}`;
  const scales = encoded.map((r, i) => `[in${i}]scale=-2:${r.height},fps=${r.fps}${encoder.filterSuffix}[v${i}]`);
  const filter = encoded.length ? [split, ...scales].join(';') : null;

  const maps: string[] = [];
  const codecs: string[] = [];
  let index = 0;
  const audioKbps: number[] = [];
  if (profile.passthrough) {
    maps.push('-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : []));
    codecs.push(`-c:v:${index}`, 'copy');
    audioKbps.push(Math.max(128, ...encoded.map((r) => r.audioBitrateKbps)));
    index++;
  }
  encoded.forEach((rendition, i) => {
    maps.push('-map', `[v${i}]`, ...(hasAudio ? ['-map', '0:a:0'] : []));
    // the most frames between two forced keyframes (a hair under, so float error never adds a frame)
    const gop = String(Math.max(1, Math.ceil(rendition.fps * seg - 1e-6)));
    codecs.push(
      ...encoder.streamArgs({ index, rendition, preset: profile.preset, lowLatency }),
      `-g:v:${index}`,
      gop,
      `-keyint_min:v:${index}`,
      gop,
      `-force_key_frames:v:${index}`,
      `expr:gte(t,n_forced*${seconds(seg)})`,
    );
    audioKbps.push(rendition.audioBitrateKbps);
    index++;
  });
  const audio = hasAudio
    ? ['-c:a', 'aac', '-ac', '2', '-ar', '48000', ...audioKbps.flatMap((kbps, i) => [`-b:a:${i}`, `${kbps}k`])]
    : [];
  const names = variantNames(profile);
  const streamMap = names.map((name, i) => `v:${i}${hasAudio ? `,a:${i}` : ''},name:${name}`).join(' ');
  const flags = [
    'independent_segments',
    'temp_file',
    'omit_endlist',
    ...(input.record ? [] : ['delete_segments']),
    ...(input.resume ? ['append_list', 'discont_start'] : []),
  ].join('+');

  return {
    input: [...encoder.globalArgs, ...flvInputArgs()],
    outputs: [
      {
        target: join(input.dir, '%v', 'index.m3u8'),
        args: [
          ...(filter ? ['-filter_complex', filter] : []),
          ...maps,
          ...codecs,
          '-sc_threshold',
          '0',
          ...audio,
          '-max_muxing_queue_size',
          '1024',
          '-f',
          'hls',
          '-hls_time',
          seconds(seg),
          '-hls_list_size',
          input.record ? '0' : String(liveWindowSegments(nominal)),
          ...(input.record ? ['-hls_playlist_type', 'event'] : []),
          '-hls_flags',
          flags,
          '-hls_segment_type',
          'mpegts',
          '-hls_segment_filename',
          join(input.dir, '%v', 'seg_%05d.ts'),
          '-master_pl_name',
          FFMPEG_MASTER,
          '-var_stream_map',
          streamMap,
          '-y',
        ],
      },
    ],
  };
}

/**
 * Simulcast: the source, unchanged, to one RTMP(S) target. With `address` (plain rtmp:// only), ffmpeg connects to
 * that checked address instead of resolving the host again, and still names the host in the tcUrl it sends.
 */
export function restreamArgs(target: { url: string; streamKey: string }, address?: string): FfmpegCommandArgs {
  const base = target.url.replace(/\/$/, '');
  const copy = ['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize'];
  const url = new URL(base);
  if (!address || url.protocol !== 'rtmp:')
    return { input: flvInputArgs(), outputs: [{ target: `${base}/${target.streamKey}`, args: copy }] };
  const port = url.port || '1935';
  const authority = /^rtmp:\/\/[^/?#]*/i;
  const connect = base.replace(authority, `rtmp://${address.includes(':') ? `[${address}]` : address}:${port}`);
  const tcUrl = base.replace(authority, `rtmp://${url.hostname}:${port}`);
  return {
    input: flvInputArgs(),
    outputs: [{ target: `${connect}/${target.streamKey}`, args: [...copy, '-rtmp_tcurl', tcUrl] }],
  };
}

/** A JPEG of the first frame of a segment, at most 360 lines high. */
export function thumbnailArgs(): FfmpegCommandArgs['outputs'][number]['args'] {
  return ['-map', '0:v:0', '-frames:v', '1', '-vf', 'scale=-2:min(360\\,ih)', '-q:v', '5', '-f', 'image2', '-y'];
}
