// The live session's health watch: stalls, quality drops and a full disk, judged on a clock the test steps.
import { describe, expect, it } from 'vitest';
import { HealthWatch, SLOW_SECONDS, SPEED_STALE_MS, STALL_MS } from '../../src/live/health-watch';

const TICK_MS = 1_000;
const MIN_FREE = 1_000_000;

function watch() {
  const clock = { now: 1_000_000 };
  const health = new HealthWatch({ tickMs: TICK_MS, minFreeBytes: MIN_FREE, now: () => clock.now });
  const step = (ms = TICK_MS) => {
    clock.now += ms;
  };
  return { health, clock, step };
}

describe('HealthWatch', () => {
  it('measures the bitrate and finds a publisher that stopped sending only after STALL_MS', () => {
    const { health, step } = watch();
    health.attached(0);
    step();
    expect(health.tick({ inBytes: 125_000, live: true })).toEqual({ stalled: false });
    expect(health.bitrateKbps).toBe(1_000); // 125 kB in one second
    for (let waited = TICK_MS; waited <= STALL_MS; waited += TICK_MS) {
      step();
      expect(health.tick({ inBytes: 125_000, live: true }).stalled).toBe(false);
    }
    step();
    expect(health.tick({ inBytes: 125_000, live: true }).stalled).toBe(true);
    // bytes again: no stall, and no publisher at all is never one
    step();
    expect(health.tick({ inBytes: 250_000, live: true }).stalled).toBe(false);
    step(STALL_MS * 2);
    expect(health.tick({ live: false }).stalled).toBe(false);
  });

  it('a re-attached publisher starts a new stall window', () => {
    const { health, step } = watch();
    health.attached(500);
    step(STALL_MS - TICK_MS);
    health.attached(500);
    step(STALL_MS - TICK_MS);
    expect(health.tick({ inBytes: 500, live: true }).stalled).toBe(false);
  });

  it('reports a transcoder slower than real time once after SLOW_SECONDS, and again only after it recovered', () => {
    const { health, step } = watch();
    const tick = () => health.tick({ live: true });
    const drops: (number | undefined)[] = [];
    for (let s = 0; s < SLOW_SECONDS * 3; s++) {
      step();
      health.speedSample(0.5);
      drops.push(tick().qualityDrop?.speed);
    }
    expect(drops.filter((d) => d !== undefined)).toEqual([0.5]);
    expect(drops.indexOf(0.5)).toBe(SLOW_SECONDS - 1);

    // fast for less than SLOW_SECONDS does not re-arm the alert
    for (let s = 0; s < SLOW_SECONDS - 1; s++) {
      step();
      health.speedSample(1);
      expect(tick().qualityDrop).toBeUndefined();
    }
    for (let s = 0; s < SLOW_SECONDS; s++) {
      step();
      health.speedSample(0.5);
      expect(tick().qualityDrop).toBeUndefined();
    }
    // SLOW_SECONDS of real time re-arm it
    for (let s = 0; s < SLOW_SECONDS; s++) {
      step();
      health.speedSample(1);
      tick();
    }
    let drop;
    for (let s = 0; s < SLOW_SECONDS; s++) {
      step();
      health.speedSample(0.9);
      drop = tick().qualityDrop ?? drop;
    }
    expect(drop).toEqual({ speed: 0.9, reason: 'transcoder slower than real time' });
  });

  it('a transcoder silent for SPEED_STALE_MS counts as stopped; nothing is judged before it is live', () => {
    const { health, step } = watch();
    health.speedSample(1);
    for (let s = 0; s < SLOW_SECONDS * 2; s++) {
      step(SPEED_STALE_MS);
      expect(health.tick({ live: false }).qualityDrop).toBeUndefined();
    }
    const drops = [];
    for (let s = 0; s < SLOW_SECONDS; s++) {
      step();
      const drop = health.tick({ live: true }).qualityDrop;
      if (drop) drops.push(drop);
    }
    expect(drops).toEqual([{ speed: 0, reason: 'transcoder reports no progress' }]);
  });

  it('reports a nearly full disk once, until it has twice the minimum free again', () => {
    const { health } = watch();
    expect(health.diskFree(MIN_FREE * 3)).toBe(false);
    expect(health.diskFree(MIN_FREE - 1)).toBe(true);
    expect(health.diskFree(MIN_FREE - 1)).toBe(false);
    expect(health.diskFree(MIN_FREE * 1.5)).toBe(false);
    expect(health.diskFree(MIN_FREE - 1)).toBe(false);
    expect(health.diskFree(MIN_FREE * 2)).toBe(false);
    expect(health.diskFree(MIN_FREE - 1)).toBe(true);
  });
});
