// The ffmpeg command lines are pure functions of the profile: these tests pin their exact arguments.
import { describe, expect, it } from 'vitest';
import {
  ladderArgs,
  liveWindowSegments,
  muxerSegmentSeconds,
  restreamArgs,
  thumbnailArgs,
} from '../../src/ladder/args';
import { fitProfile, scaledWidth, segmentSecondsOf, variantNames, type LadderProfile } from '../../src/ladder/profile';

const profile: LadderProfile = {
  renditions: [
    { name: '720p', height: 720, videoBitrateKbps: 2800, fps: 30, audioBitrateKbps: 128 },
    { name: '360p', height: 360, videoBitrateKbps: 800, fps: 30, audioBitrateKbps: 96 },
  ],
  passthrough: true,
  segmentSeconds: 2,
  encoder: 'libx264',
  preset: 'veryfast',
};
const base = { profile, latency: 'standard' as const, dir: '/m/live/p', record: false, resume: false, hasAudio: true };

describe('ladder arguments', () => {
  it('pins the default-style ladder: passthrough + two x264 rungs with aligned keyframes', () => {
    const args = ladderArgs(base);
    expect(args.input).toEqual([
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
    ]);
    expect(args.outputs).toHaveLength(1);
    expect(args.outputs[0]!.target).toBe('/m/live/p/%v/index.m3u8');
    expect(args.outputs[0]!.args).toEqual([
      '-filter_complex',
      '[0:v]split=2[in0][in1];[in0]scale=-2:720,fps=30[v0];[in1]scale=-2:360,fps=30[v1]',
      '-map',
      '0:v:0',
      '-map',
      '0:a:0',
      '-map',
      '[v0]',
      '-map',
      '0:a:0',
      '-map',
      '[v1]',
      '-map',
      '0:a:0',
      '-c:v:0',
      'copy',
      '-c:v:1',
      'libx264',
      '-preset:v:1',
      'veryfast',
      '-profile:v:1',
      'high',
      '-b:v:1',
      '2800k',
      '-maxrate:v:1',
      '2996k',
      '-bufsize:v:1',
      '4200k',
      '-g:v:1',
      '60',
      '-keyint_min:v:1',
      '60',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
      '-c:v:2',
      'libx264',
      '-preset:v:2',
      'veryfast',
      '-profile:v:2',
      'high',
      '-b:v:2',
      '800k',
      '-maxrate:v:2',
      '856k',
      '-bufsize:v:2',
      '1200k',
      '-g:v:2',
      '60',
      '-keyint_min:v:2',
      '60',
      '-force_key_frames:v:2',
      'expr:gte(t,n_forced*2)',
      '-sc_threshold',
      '0',
      '-c:a',
      'aac',
      '-ac',
      '2',
      '-ar',
      '48000',
      '-b:a:0',
      '128k',
      '-b:a:1',
      '128k',
      '-b:a:2',
      '96k',
      '-max_muxing_queue_size',
      '1024',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-hls_list_size',
      '6',
      '-hls_flags',
      'independent_segments+temp_file+omit_endlist+delete_segments',
      '-hls_segment_type',
      'mpegts',
      '-hls_segment_filename',
      '/m/live/p/%v/seg_%05d.ts',
      '-master_pl_name',
      'ffmpeg-master.m3u8',
      '-var_stream_map',
      'v:0,a:0,name:source v:1,a:1,name:720p v:2,a:2,name:360p',
      '-y',
    ]);
  });

  it('keeps every segment in an EVENT playlist when recording, and continues playlists on resume', () => {
    const args = ladderArgs({ ...base, record: true, resume: true }).outputs[0]!.args;
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    expect(at('-hls_list_size')).toBe('0');
    expect(at('-hls_playlist_type')).toBe('event');
    expect(at('-hls_flags')).toBe('independent_segments+temp_file+omit_endlist+append_list+discont_start');
  });

  it('low latency: 0.5 s segments, zerolatency tuning, a keyframe every half second', () => {
    const args = ladderArgs({ ...base, latency: 'low' }).outputs[0]!.args;
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    expect(segmentSecondsOf(profile, 'low')).toBe(0.5);
    expect(segmentSecondsOf({ ...profile, segmentSeconds: 0.5 }, 'low')).toBe(0.5);
    expect(segmentSecondsOf(profile, 'standard')).toBe(2);
    // 0.52 s for ffmpeg, so its muxer writes EXT-X-TARGETDURATION:1 and not 0 (see muxerSegmentSeconds)
    expect(at('-hls_time')).toBe('0.52');
    expect(at('-tune:v:1')).toBe('zerolatency');
    expect(at('-g:v:1')).toBe('16');
    expect(at('-keyint_min:v:1')).toBe('16');
    expect(at('-force_key_frames:v:2')).toBe('expr:gte(t,n_forced*0.52)');
    // seven segments: dropping the oldest leaves three target durations (3 s)
    expect(at('-hls_list_size')).toBe('7');
    // 25 fps: 13 frames between keyframes
    const pal = ladderArgs({
      ...base,
      latency: 'low',
      profile: { ...profile, renditions: [{ ...profile.renditions[1]!, fps: 25 }] },
    }).outputs[0]!.args;
    expect(pal[pal.indexOf('-g:v:1') + 1]).toBe('13');
    expect(pal[pal.indexOf('-force_key_frames:v:1') + 1]).toBe('expr:gte(t,n_forced*0.52)');
  });

  it("keeps ffmpeg's EXT-X-TARGETDURATION at or above every segment's rounded length, and the window spec-sized", () => {
    // ffmpeg rounds the target duration half to even: exact 0.5 s and 2.5 s segments would get 0 and 2
    expect(muxerSegmentSeconds(0.5)).toBe(0.52);
    expect(muxerSegmentSeconds(2.5)).toBe(2.52);
    expect([1, 1.5, 2, 0.75, 6].map(muxerSegmentSeconds)).toEqual([1, 1.5, 2, 0.75, 6]);
    expect([0.5, 0.75, 1, 2, 2.5, 10].map(liveWindowSegments)).toEqual([7, 6, 6, 6, 6, 6]);
    const standard = ladderArgs({ ...base, profile: { ...profile, segmentSeconds: 2.5 } }).outputs[0]!.args;
    expect(standard[standard.indexOf('-hls_time') + 1]).toBe('2.52');
    expect(standard[standard.indexOf('-g:v:1') + 1]).toBe('76');
  });

  it('without audio maps video only; without passthrough has no copy stream', () => {
    const args = ladderArgs({ ...base, hasAudio: false, profile: { ...profile, passthrough: false } }).outputs[0]!.args;
    expect(args).not.toContain('0:a:0');
    expect(args).not.toContain('-c:a');
    expect(args).not.toContain('copy');
    expect(args[args.indexOf('-var_stream_map') + 1]).toBe('v:0,name:720p v:1,name:360p');
  });

  it('selects hardware encoders through their own small interface', () => {
    const nvenc = ladderArgs({ ...base, profile: { ...profile, encoder: 'h264_nvenc' } }).outputs[0]!.args;
    expect(nvenc.slice(nvenc.indexOf('-c:v:1'), nvenc.indexOf('-c:v:1') + 8)).toEqual([
      '-c:v:1',
      'h264_nvenc',
      '-preset:v:1',
      'p4',
      '-rc:v:1',
      'cbr',
      '-b:v:1',
      '2800k',
    ]);
    const vaapi = ladderArgs({ ...base, profile: { ...profile, encoder: 'h264_vaapi' } });
    expect(vaapi.input.slice(0, 2)).toEqual(['-vaapi_device', '/dev/dri/renderD128']);
    expect(vaapi.outputs[0]!.args[1]).toContain('scale=-2:720,fps=30,format=nv12,hwupload[v0]');
  });

  it('restream copies the source to target URL + key; thumbnails take one frame', () => {
    expect(restreamArgs({ url: 'rtmp://a.example/live2/', streamKey: 'abc' })).toEqual({
      input: ladderArgs(base).input,
      outputs: [
        {
          target: 'rtmp://a.example/live2/abc',
          args: ['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize'],
        },
      ],
    });
    // connecting to the address the edge checked, the host still named in the tcUrl
    const pinned = restreamArgs({ url: 'rtmp://a.example/live2/', streamKey: 'abc' }, '93.184.216.34');
    expect(pinned.outputs[0]).toEqual({
      target: 'rtmp://93.184.216.34:1935/live2/abc',
      args: [
        ...['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize'],
        ...['-rtmp_tcurl', 'rtmp://a.example:1935/live2'],
      ],
    });
    expect(restreamArgs({ url: 'rtmp://a.example:1940/app', streamKey: 'k' }, '2001:db8::1').outputs[0]!.target).toBe(
      'rtmp://[2001:db8::1]:1940/app/k',
    );
    // rtmps keeps its host (TLS names it)
    expect(restreamArgs({ url: 'rtmps://a.example/app', streamKey: 'k' }, '93.184.216.34').outputs[0]!.target).toBe(
      'rtmps://a.example/app/k',
    );
    expect(thumbnailArgs()).toEqual([
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      'scale=-2:min(360\\,ih)',
      '-q:v',
      '5',
      '-f',
      'image2',
      '-y',
    ]);
  });
});

describe('profile helpers', () => {
  it('names variants source first and computes scaled widths like scale=-2', () => {
    expect(variantNames(profile)).toEqual(['source', '720p', '360p']);
    expect(scaledWidth(640, 360, 240)).toBe(426);
    expect(scaledWidth(1920, 1080, 720)).toBe(1280);
    expect(scaledWidth(640, 360, 144)).toBe(256);
  });

  it('never upscales: rungs taller than the source are dropped', () => {
    expect(fitProfile(profile, 480).renditions.map((r) => r.name)).toEqual(['360p']);
    expect(fitProfile(profile, 0).renditions).toHaveLength(2);
    const noPass = { ...profile, passthrough: false };
    expect(fitProfile(noPass, 240).renditions.map((r) => r.name)).toEqual(['360p']);
  });
});
