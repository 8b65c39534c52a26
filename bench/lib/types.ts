/**
 * Terms:
 * - benchmark module: a file in bench/ exporting `run(opts)`; bench/run.ts imports each one dynamically.
 * - measurement: one figure (a median with percentiles over samples), optionally with a baseline measured in
 *   the same run and the ratio figure / baseline, so numbers from different machines can still be compared.
 * - section: what one module returns: a title, measurements and free-form notes.
 * - quick: a shorter run (fewer rounds, fewer stores) for CI and smoke checks.
 */

export interface BenchOptions {
  /** Shorter run: fewer rounds and sizes. */
  quick: boolean;
  /** Progress lines (stderr); the report itself is printed by bench/run.ts. */
  log(line: string): void;
}

export interface Measurement {
  /** What was measured, e.g. "allocateSku hybrid, 50 retailers". */
  name: string;
  /** Unit of median/percentiles: "ops/s", "ms", "MB", "items/s"... */
  unit: string;
  median: number;
  p90?: number;
  p99?: number;
  min?: number;
  max?: number;
  /** Samples behind the figure (rounds, events...). */
  samples?: number;
  /** The same-run baseline this figure is compared against. */
  baseline?: { name: string; value: number };
  /** median / baseline.value (computed by the harness when absent). */
  ratio?: number;
  note?: string;
}

export interface BenchSection {
  title: string;
  description?: string;
  measurements: Measurement[];
  notes?: string[];
}

/** What a benchmark module's `run` may return: one section, several, or anything (rendered as JSON). */
export type BenchOutput = BenchSection | BenchSection[] | unknown;

export interface ModuleReport {
  module: string;
  status: 'ok' | 'missing' | 'failed' | 'skipped';
  /** ISO time the module ran. */
  at: string;
  quick: boolean;
  error?: string;
  durationMs: number;
  /** Peak resident set size sampled while the module ran, MB. */
  peakRssMb: number;
  sections: BenchSection[];
  /** A module output that is not in the section shape, kept as is. */
  raw?: unknown;
}
