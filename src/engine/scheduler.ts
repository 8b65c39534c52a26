/**
 * The engine's timers. With the injected Clock (`now()`) it is the engine's one source of time: every wait of the
 * dispatcher, the sweep and the background loops is set through it, so a test can drive them all by hand
 * (see ManualClock in test/engine/helpers.ts). The default runs on Node's timers.
 */
export interface Scheduler {
  /** Calls `fn` once after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` of the scheduler's time. */
export function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => { scheduler.after(ms, resolve); });
}

/**
 * Calls `fn` every `ms` (the next call `ms` after the previous one finished, so calls never overlap) until the
 * returned function is called.
 */
export function every(scheduler: Scheduler, ms: number, fn: () => Promise<void>): () => void {
  let stopped = false;
  let cancel = () => {};
  const arm = () => { if (!stopped) cancel = scheduler.after(ms, () => { void fn().catch(() => {}).finally(arm); }); };
  arm();
  return () => { stopped = true; cancel(); };
}
