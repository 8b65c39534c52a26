/**
 * Largest-remainder rounding: turns real-valued quotas that add up to an integer `total` into integers that add
 * up to exactly `total`, each within 1 of its quota.
 */

/** Quotas closer than this to an integer, or remainders closer than this to each other, count as equal (float noise). */
const EPSILON = 1e-9;

/**
 * `quotas` must add up to `total` (an integer >= 0). Each index gets floor(quota); the units left over go one each
 * to the largest fractional remainders, ties broken by `tieBreak` (negative: i first), then by index.
 */
export function largestRemainder(
  quotas: readonly number[],
  total: number,
  tieBreak?: (i: number, j: number) => number,
): number[] {
  const n = quotas.length;
  const result = new Array<number>(n);
  const remainders = new Array<number>(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    let q = quotas[i] ?? 0;
    const nearest = Math.round(q);
    if (Math.abs(q - nearest) < EPSILON) q = nearest;
    const whole = Math.floor(q);
    result[i] = whole;
    remainders[i] = q - whole;
    assigned += whole;
  }
  let left = total - assigned;
  if (left === 0 || n === 0) return result;

  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => {
    const diff = (remainders[j] ?? 0) - (remainders[i] ?? 0);
    if (Math.abs(diff) >= EPSILON) return diff;
    return (tieBreak ? tieBreak(i, j) : 0) || i - j;
  });
  // Normally 0 < left < n. Float noise could make it slightly off; wrap or take back so the sum stays exact.
  if (left > 0) {
    for (let k = 0; left > 0; k = (k + 1) % n, left--) result[order[k]!]! += 1;
  } else {
    for (let k = n - 1; left < 0 && k >= 0; k--) {
      const i = order[k]!;
      if (result[i]! > 0) {
        result[i]! -= 1;
        left++;
      }
    }
  }
  return result;
}
