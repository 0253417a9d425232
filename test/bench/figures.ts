/**
 * What every benchmark hands back: figures with their goal, and the one way ratios are measured
 * (interleaved repetitions, median with its min–max spread, more repetitions when the spread crosses the goal).
 */

/** One line of the table and one object of results.json. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline, measured in the same run. */
  baseline?: number;
  /** Median of the per-repetition ratios value / baseline. */
  ratio?: number;
  /** Min and max of the per-repetition ratios (or of the value, for figures without a baseline). */
  spread?: [number, number];
  /** How many repetitions the median is taken over. */
  repetitions?: number;
  /** Human-readable goal, e.g. "ratio ≤ 1.10" or "= 1"; "reported" when the figure has none. */
  goal: string;
  met: boolean;
  /** A word on what the value means when the name cannot say it all. */
  note?: string;
}

export interface BenchContext {
  /** Tiny sizes, one repetition: checks that the benchmark runs, not its goals. */
  smoke: boolean;
}

/** Every benchmark module (test/bench/*.bench.ts) exports this. */
export type Benchmark = (ctx: BenchContext) => Promise<Figure[]>;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A figure whose goal is an upper bound on its value. */
export function atMost(name: string, value: number, unit: string, max: number, extra: Partial<Figure> = {}): Figure {
  return { name, value, unit, goal: `≤ ${max} ${unit}`, met: value <= max, ...extra };
}

/** A figure that must equal an exact count. */
export function exactly(name: string, value: number, unit: string, expected: number, extra: Partial<Figure> = {}): Figure {
  return { name, value, unit, goal: `= ${expected}`, met: value === expected, ...extra };
}

/** A figure that is only reported (no goal). */
export function reported(name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure {
  return { name, value, unit, goal: 'reported', met: true, ...extra };
}

export interface RatioSpec {
  name: string;
  unit: string;
  /** The goal on the ratio subject / baseline (lower is better); none for a ratio that is only reported. */
  goal?: number;
  /** One repetition of the measured path; returns its cost (time, bytes...). */
  subject: () => Promise<number>;
  baseline: () => Promise<number>;
  /**
   * Each repetition alternates subject and baseline this many times and sums their costs, so that both see the
   * same moments of a noisy machine (default 1).
   */
  blocks?: number;
  /** Repetitions before looking at the spread (default 5; 1 in smoke mode). */
  repetitions?: number;
  /** Upper bound when the spread crosses the goal (default 3 × repetitions). */
  maxRepetitions?: number;
  note?: string;
}

/**
 * Runs subject and baseline in alternating order, one repetition after the other, so that both see the same
 * machine load; the ratio is the median of the per-repetition ratios. While the min–max spread of those
 * ratios straddles the goal, more repetitions are taken (up to maxRepetitions) before the goal is judged.
 */
export async function measureRatio(ctx: BenchContext, spec: RatioSpec): Promise<Figure> {
  const base = ctx.smoke ? 1 : (spec.repetitions ?? 5);
  const max = ctx.smoke ? 1 : (spec.maxRepetitions ?? base * 3);
  const subject: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  const once = async (): Promise<void> => {
    let s = 0;
    let b = 0;
    for (let i = 0; i < (spec.blocks ?? 1); i++) {
      if ((ratios.length + i) % 2 === 0) {
        b += await spec.baseline();
        s += await spec.subject();
      } else {
        s += await spec.subject();
        b += await spec.baseline();
      }
    }
    subject.push(s);
    baseline.push(b);
    ratios.push(s / b);
  };
  while (ratios.length < base) await once();
  const goal = spec.goal ?? Infinity;
  const straddles = (): boolean => Math.min(...ratios) <= goal && Math.max(...ratios) > goal;
  while (straddles() && ratios.length < max) await once();
  const ratio = median(ratios);
  return {
    name: spec.name,
    value: median(subject),
    unit: spec.unit,
    baseline: median(baseline),
    ratio,
    spread: [Math.min(...ratios), Math.max(...ratios)],
    repetitions: ratios.length,
    goal: spec.goal === undefined ? 'reported' : `ratio ≤ ${spec.goal.toFixed(2)}`,
    met: ratio <= goal,
    ...(spec.note ? { note: spec.note } : {}),
  };
}

/** Milliseconds taken by `task`. */
export async function timed(task: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await task();
  return performance.now() - t0;
}

/** The problems that make `figure` unusable in results.json (none when it is well formed). */
export function figureProblems(figure: Figure): string[] {
  const problems: string[] = [];
  const finite = (key: keyof Figure): void => {
    const v = figure[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${key} is not a finite number`);
  };
  if (typeof figure.name !== 'string' || !figure.name) problems.push('no name');
  if (typeof figure.value !== 'number' || !Number.isFinite(figure.value)) problems.push('value is not a finite number');
  if (typeof figure.unit !== 'string') problems.push('no unit');
  if (typeof figure.goal !== 'string' || !figure.goal) problems.push('no goal');
  if (typeof figure.met !== 'boolean') problems.push('met is not a boolean');
  finite('baseline');
  finite('ratio');
  return problems.map((p) => `${figure.name ?? '?'}: ${p}`);
}
