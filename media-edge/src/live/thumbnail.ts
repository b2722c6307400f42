// Live and recording thumbnails: a JPEG of the newest segment's first frame, written atomically.
import ffmpeg from 'fluent-ffmpeg';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { thumbnailArgs } from '../ladder/args';
import { mediaSegments } from '../ladder/playlists';

export async function refreshThumbnail(ffmpegPath: string, dir: string, variant: string): Promise<boolean> {
  const playlist = await readFile(join(dir, variant, 'index.m3u8'), 'utf8').catch(() => '');
  const newest = mediaSegments(playlist).segments.at(-1);
  if (!newest) return false;
  const out = join(dir, 'thumbnail.jpg');
  const tmp = `${out}.tmp.jpg`;
  await new Promise<void>((resolve, reject) => {
    const cmd = ffmpeg({ stdoutLines: 0 })
      .setFfmpegPath(ffmpegPath)
      .input(join(dir, variant, newest))
      .inputOptions('-hide_banner', '-loglevel', 'error')
      .output(tmp)
      .outputOptions(...thumbnailArgs());
    const timer = setTimeout(() => cmd.kill('SIGKILL'), 10_000);
    cmd
      .on('end', () => {
        clearTimeout(timer);
        resolve();
      })
      .on('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      })
      .run();
  });
  await rename(tmp, out);
  return true;
}
