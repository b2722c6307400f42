// A supervised ffmpeg process fed from the ingest tap: restarts after a crash, watches its speed, stops on request.
import type { Logger } from '@beamline/core';
import ffmpeg from 'fluent-ffmpeg';
import { PassThrough } from 'node:stream';
import type { FfmpegCommandArgs } from './args';
import { SpeedGauge } from './speed';

export type RunnerState = 'running' | 'restarting' | 'failed' | 'stopped';

export interface RunnerOptions {
  name: string;
  ffmpegPath: string;
  /** Arguments of attempt n (0 first; later attempts continue what the earlier ones wrote). */
  build(attempt: number): FfmpegCommandArgs;
  /** Connects the source to ffmpeg's stdin; returns the function that disconnects it. */
  attach(write: (chunk: Buffer) => void): () => void;
  log: Logger;
  /** Crashes restarted in a row before giving up; a run longer than 20 s resets the count. */
  maxRestarts?: number;
  restartDelayMs?: number;
  /** Input buffered while ffmpeg does not keep up, beyond which the process is restarted. */
  maxBufferedBytes?: number;
  /** The ladder's current speed (media seconds per wall second over the last few seconds), about twice a second. */
  onSpeed?(speed: number): void;
  onState?(state: RunnerState, detail?: string): void;
  /** Each stderr line that is not a progress line. */
  onLog?(line: string): void;
  /**
   * Run before every launch (the first and each restart), e.g. a destination check; when it rejects, the
   * runner fails with its message and starts nothing.
   */
  preflight?(): Promise<void>;
}

export class SupervisedFfmpeg {
  private attempt = 0;
  private crashesInRow = 0;
  private stopping = false;
  private command: ffmpeg.FfmpegCommand | null = null;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | null = null;
  private source: PassThrough | null = null;
  private detach: (() => void) | null = null;
  private readonly tail: string[] = [];
  state: RunnerState = 'stopped';

  constructor(private readonly opts: RunnerOptions) {}

  start(): void {
    this.stopping = false;
    this.launch();
  }

  /** The last lines ffmpeg wrote (for error reports). */
  lastLines(): string[] {
    return [...this.tail];
  }

  private setState(state: RunnerState, detail?: string) {
    this.state = state;
    this.opts.onState?.(state, detail);
  }

  private launch() {
    const preflight = this.opts.preflight;
    if (!preflight) return this.spawn();
    preflight().then(
      () => {
        if (!this.stopping) this.spawn();
      },
      (err: unknown) => {
        if (this.stopping) return;
        this.opts.log.warn({ runner: this.opts.name, err }, 'ffmpeg not started: its preflight check failed');
        this.setState('failed', err instanceof Error ? err.message : String(err));
      },
    );
  }

  private spawn() {
    const args = this.opts.build(this.attempt++);
    const source = new PassThrough({ highWaterMark: 1 << 20 });
    source.on('error', () => undefined);
    const limit = this.opts.maxBufferedBytes ?? 64 * 1024 * 1024;
    const write = (chunk: Buffer) => {
      if (source.writableEnded || source.destroyed) return;
      if (source.writableLength > limit) {
        this.opts.log.warn({ runner: this.opts.name }, 'ffmpeg does not keep up with its input; restarting it');
        this.command?.kill('SIGKILL');
        return;
      }
      source.write(chunk);
    };
    const cmd = ffmpeg({ stdoutLines: 0 }).setFfmpegPath(this.opts.ffmpegPath).input(source);
    cmd.inputOptions(...args.input);
    for (const output of args.outputs) cmd.output(output.target).outputOptions(...output.args);
    const startedAt = Date.now();
    const gauge = new SpeedGauge();
    let resolveExit!: () => void;
    this.exited = new Promise((r) => (resolveExit = r));
    const onExit = (err: Error | null) => {
      this.detach?.();
      this.detach = null;
      this.source = null;
      source.destroy();
      this.command = null;
      resolveExit();
      if (this.stopping) return this.setState('stopped');
      if (Date.now() - startedAt > 20_000) this.crashesInRow = 0;
      this.crashesInRow++;
      const reason = err?.message ?? 'ffmpeg exited';
      if (this.crashesInRow > (this.opts.maxRestarts ?? 5)) {
        this.opts.log.error({ runner: this.opts.name, reason, tail: this.tail }, 'ffmpeg keeps failing; giving up');
        return this.setState('failed', reason);
      }
      this.opts.log.warn({ runner: this.opts.name, reason, tail: this.tail.slice(-5) }, 'ffmpeg exited; restarting');
      this.setState('restarting', reason);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.launch();
      }, this.opts.restartDelayMs ?? 500);
    };
    cmd
      .on('start', (line: string) => this.opts.log.debug({ runner: this.opts.name, cmd: line }, 'ffmpeg started'))
      .on('stderr', (line: string) => {
        const speed = gauge.read(line);
        if (speed !== undefined) this.opts.onSpeed?.(speed);
        else {
          this.tail.push(line);
          if (this.tail.length > 20) this.tail.shift();
          this.opts.onLog?.(line);
        }
      })
      .on('error', (err: Error) => onExit(err))
      .on('end', () => onExit(null));
    this.command = cmd;
    cmd.run();
    this.source = source;
    this.detach = this.opts.attach(write);
    this.setState('running');
  }

  /** Ends ffmpeg's input so it finishes its files, then waits; kills it after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const cmd = this.command;
    if (!cmd) return this.setState('stopped');
    this.detach?.();
    this.detach = null;
    this.source?.end();
    const timer = setTimeout(() => cmd.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (a crash drill, or a cut session). */
  kill(): void {
    this.command?.kill('SIGKILL');
  }
}
