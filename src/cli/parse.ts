/** Parsing of CLI flag values and stdin; every failure is a DropsyncError naming the flag (exit 2 in main.ts). */
import { invalid } from '../domain/errors.ts';
import { parseDuration } from '../domain/duration.ts';

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number >= 0. */
export function numberFlag(value: string | undefined, flag: string): number {
  const text = (value ?? '').trim();
  if (!NUMBER.test(text)) throw invalid(flag, `must be a number >= 0, got "${value ?? ''}"`);
  const n = Number(text);
  if (!Number.isFinite(n)) throw invalid(flag, `must be a finite number, got "${value}"`);
  return n;
}

/** A whole number >= min. */
export function integerFlag(value: string | undefined, flag: string, min = 0): number {
  const n = numberFlag(value, flag);
  if (!Number.isInteger(n)) throw invalid(flag, `must be a whole number, got "${value}"`);
  if (n < min) throw invalid(flag, `must be >= ${min}, got ${n}`);
  return n;
}

/** "2%" is 0.02; a bare number is a fraction and must be <= 1. */
export function rateFlag(value: string | undefined, flag: string): number {
  const text = (value ?? '').trim();
  if (text.endsWith('%')) {
    const percent = numberFlag(text.slice(0, -1), flag);
    if (percent > 100) throw invalid(flag, `must be at most 100%, got "${value}"`);
    return percent / 100;
  }
  const fraction = numberFlag(text, flag);
  if (fraction > 1) throw invalid(flag, `must be a fraction up to 1 (0.02) or a percent with % (2%), got "${value}"`);
  return fraction;
}

export function durationFlag(value: string | undefined, flag: string): number {
  return parseDuration(value ?? '', flag);
}

/** Reads all of stdin and parses one JSON document. */
export async function readJsonStdin(): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw invalid('stdin', 'is empty; expected one JSON document');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw invalid('stdin', `malformed JSON (${reason})`);
  }
}

/** A TCP port, 0 meaning any free one. */
export function portFlag(value: string | undefined, flag = '--port'): number {
  const port = integerFlag(value, flag);
  if (port > 65535) throw invalid(flag, `must be 0-65535, got "${value}"`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM: long-running commands await it, then close what they opened. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
