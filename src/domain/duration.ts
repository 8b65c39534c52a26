/** Human durations ("80ms", "90s", "15m", "4h", "1d", "7d", "1h30m") to seconds. */
import { invalid } from './errors.ts';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/**
 * Parses a duration to seconds. A number is taken as seconds already. Throws DropsyncError('invalid') naming
 * `field` for anything else, including a bare number string (the unit is required so "90" is never ambiguous).
 */
export function parseDuration(value: unknown, field = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw invalid(field, 'must be a duration >= 0');
    return value;
  }
  if (typeof value !== 'string') throw invalid(field, 'must be a duration such as 5s, 15m, 4h or 1d');
  const text = value.trim().toLowerCase();
  if (!WHOLE.test(text)) throw invalid(field, `"${value}" is not a duration such as 5s, 15m, 4h or 1d`);
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return seconds;
}

/** Seconds to the short form used in CLI output: "4h", "90s", "1d 2h". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}
