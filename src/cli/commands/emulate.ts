/**
 * The shared `emulate` parent command and what every platform emulator command has in common: the listening
 * address, latency, webhook loss and delay, catalogue size, seed and --json flags, and the run loop (print the
 * emulator's details, wait for SIGINT/SIGTERM, close it).
 */
import type { Command } from 'commander';
import { durationFlag, integerFlag, portFlag, rateFlag, untilSignal } from '../parse.ts';

/** The shared `emulate` parent command: found if another platform registered it first, else created. */
export function emulateCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'emulate') ??
    program.command('emulate').description('Run a platform emulator (a store API on your machine)')
  );
}

export interface CommonEmulatorFlags {
  port: string;
  host: string;
  latency: string;
  webhookLoss: string;
  webhookDelay: string;
  skus: string;
  seed: string;
  json?: boolean;
}

/** Each platform's words for the shared flags (examples in its own range). */
export interface CommonFlagHelp {
  latencyExample: string;
  webhookLoss: string;
  webhookDelay: string;
  skus: string;
}

/** Adds the shared flags; the platform's own go after `platformFlags`, before --seed. */
export function emulatorFlags(cmd: Command, help: CommonFlagHelp, platformFlags: (cmd: Command) => Command): Command {
  cmd
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--latency <duration>', `added to every API answer, e.g. ${help.latencyExample}`, '0ms')
    .option('--webhook-loss <rate>', help.webhookLoss, '0')
    .option('--webhook-delay <duration>', help.webhookDelay, '0ms')
    .option('--skus <n>', help.skus, '100');
  return platformFlags(cmd)
    .option('--seed <n>', 'seed for every random choice (generated catalogue, webhook randomness)', '1')
    .option('--json', 'print one JSON line');
}

/** The shared flags, parsed (each failure names its flag). */
export function parseEmulatorFlags(f: CommonEmulatorFlags) {
  return {
    port: portFlag(f.port),
    host: f.host,
    latencyMs: durationFlag(f.latency, '--latency') * 1000,
    webhookLoss: rateFlag(f.webhookLoss, '--webhook-loss'),
    webhookDelayMs: durationFlag(f.webhookDelay, '--webhook-delay') * 1000,
    skus: integerFlag(f.skus, '--skus'),
    seed: integerFlag(f.seed, '--seed'),
  };
}

/** Prints `info` (one JSON line with --json, else `lines`), runs until SIGINT/SIGTERM, then closes the emulator. */
export async function runEmulator(emu: { close(): Promise<void> }, json: boolean | undefined, info: Record<string, unknown>, lines: string[]): Promise<void> {
  process.stdout.write(json ? `${JSON.stringify(info)}\n` : [...lines, 'Ctrl-C to stop.', ''].join('\n'));
  await untilSignal();
  await emu.close();
}
