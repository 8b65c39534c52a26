/**
 * A small seeded PRNG (mulberry32) and the draws the simulations need. Same seed, same numbers, on every
 * machine: the simulations never touch Math.random.
 */
import { seededRng } from '../domain/random.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Integer uniform in [low, high] inclusive. */
  int(low: number, high: number): number;
  /** Exponential waiting time with the given rate (events per unit time). */
  exponential(rate: number): number;
  /** Index drawn in proportion to `weights`. */
  pick(weights: readonly number[]): number;
  /** An independent generator derived from this one (one per SKU, so adding SKUs never reshuffles others). */
  fork(salt: number): Rng;
}

/** Mixes two integers into a well-spread 32-bit seed (a murmur3-style finaliser). */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  const next = seededRng(mix(seed, 0));
  const rng: Rng = {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (low, high) => low + Math.floor((high - low + 1) * next()),
    // 1 - next() is in (0, 1], so the log is finite.
    exponential: (rate) => -Math.log(1 - next()) / rate,
    pick(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    fork: (salt) => createRng(mix(seed, salt + 1)),
  };
  return rng;
}
