/**
 * Benchmark harness: `npm run bench [-- --quick] [-- --only domain,lag-emulators]`.
 * Runs every benchmark module present, each in its own child process (so one module's memory, registrations
 * and leftover handles cannot skew the next one's figures), prints a readable report and writes
 * bench/results.md and bench/results.json. A module that is missing, throws or dies is reported, never fatal.
 * With --only, the modules not re-run keep their previous figures from results.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderModule, sampleRss, type BenchOptions, type BenchSection, type ModuleReport } from './lib/index.ts';

const MODULES = ['domain', 'engine', 'recompute', 'shopify-full-sync', 'woo-full-sync', 'lag-emulators'] as const;
const here = dirname(fileURLToPath(import.meta.url));

/** A module that runs longer than this (default; --timeout-min) is stopped and reported as failed. */
const DEFAULT_TIMEOUT_MIN = 15;

interface Args {
  quick: boolean;
  only: string[] | null;
  timeoutMin: number;
  /** Internal: run this one module in this process and write its report to `out`. */
  child: string | null;
  out: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, timeoutMin: DEFAULT_TIMEOUT_MIN, child: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--timeout-min') {
      args.timeoutMin = Number(argv[++i]);
      if (!(args.timeoutMin > 0)) throw new Error('--timeout-min needs a positive number of minutes');
    } else if (a === '--child') args.child = argv[++i] ?? null;
    else if (a === '--out') args.out = argv[++i] ?? null;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new Error('--only needs a module name, e.g. --only domain');
      args.only = [...(args.only ?? []), ...v.split(',').map((s) => s.trim().replace(/\.ts$/, '')).filter(Boolean)];
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench -- [--quick] [--only ${MODULES.join('|')}[,...]] [--timeout-min ${DEFAULT_TIMEOUT_MIN}]`);
      process.exit(0);
    } else throw new Error(`unknown flag ${a} (try --help)`);
  }
  for (const name of args.only ?? []) {
    if (!(MODULES as readonly string[]).includes(name)) throw new Error(`--only: no benchmark named ${name}; known: ${MODULES.join(', ')}`);
  }
  return args;
}

function isSection(v: unknown): v is BenchSection {
  return !!v && typeof v === 'object' && typeof (v as BenchSection).title === 'string' && Array.isArray((v as BenchSection).measurements);
}

async function runModule(name: string, quick: boolean): Promise<ModuleReport> {
  const file = join(here, `${name}.ts`);
  const base = { module: name, at: new Date().toISOString(), quick, sections: [] as BenchSection[] };
  if (!existsSync(file)) return { ...base, status: 'missing', error: `bench/${name}.ts is not there yet`, durationMs: 0, peakRssMb: 0 };
  const rss = sampleRss();
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const opts: BenchOptions = { quick, log: (line) => process.stderr.write(`  [${name}] ${line}\n`) };
  try {
    const mod = (await import(pathToFileURL(file).href)) as { run?: (o: BenchOptions) => unknown; default?: unknown };
    const run = typeof mod.run === 'function' ? mod.run : typeof mod.default === 'function' ? (mod.default as (o: BenchOptions) => unknown) : null;
    if (!run) return { ...base, status: 'failed', error: `bench/${name}.ts exports no run(opts)`, durationMs: elapsed(), peakRssMb: rss.stop() };
    const out = await run(opts);
    const list = Array.isArray(out) ? out : [out];
    const report: ModuleReport = { ...base, status: 'ok', durationMs: elapsed(), peakRssMb: rss.stop() };
    if (list.length > 0 && list.every(isSection)) report.sections = list;
    else report.raw = out;
    return report;
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return { ...base, status: 'failed', error, durationMs: elapsed(), peakRssMb: rss.stop() };
  }
}

/** Runs one module in a child process (same Node flags, so tsx is loaded) and reads back its report. */
async function runIsolated(name: string, quick: boolean, timeoutMin: number): Promise<ModuleReport> {
  const timeoutMs = timeoutMin * 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'dropsync-bench-'));
  const out = join(dir, 'report.json');
  const started = Date.now();
  try {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name, '--out', out, ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // A module's own stdout is progress, not report: keep it off the report stream.
    child.stdout.pipe(process.stderr);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, sig) => resolve([c, sig])));
    clearTimeout(timer);
    if (existsSync(out)) return JSON.parse(readFileSync(out, 'utf8')) as ModuleReport;
    const why = signal === 'SIGKILL' && Date.now() - started >= timeoutMs ? `timed out after ${timeoutMin} min (--timeout-min)` : `exited with ${signal ?? `code ${code}`}`;
    return { module: name, at: new Date(started).toISOString(), quick, status: 'failed', error: `the benchmark process ${why} before reporting`, durationMs: Date.now() - started, peakRssMb: 0, sections: [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model ?? 'unknown cpu'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const report = await runModule(args.child, args.quick);
    if (args.out) writeFileSync(args.out, JSON.stringify(report));
    return;
  }
  const names = args.only ?? [...MODULES];
  const jsonPath = join(here, 'results.json');
  const previous: ModuleReport[] = [];
  if (args.only && existsSync(jsonPath)) {
    try {
      previous.push(...((JSON.parse(readFileSync(jsonPath, 'utf8')) as { modules?: ModuleReport[] }).modules ?? []));
    } catch {
      // A broken results.json is simply replaced.
    }
  }
  const fresh: ModuleReport[] = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name}${args.quick ? ' (quick)' : ''}...\n`);
    const r = await runIsolated(name, args.quick, args.timeoutMin);
    fresh.push(r);
    console.log(renderModule(r, false));
  }
  const byName = new Map([...previous, ...fresh].map((r) => [r.module, r]));
  const modules = MODULES.flatMap((n) => byName.get(n) ?? []);
  const header = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    note: 'ratio = median / baseline, both measured in the same run of that module',
  };
  writeFileSync(jsonPath, JSON.stringify({ ...header, modules }, null, 2) + '\n');
  const md = [
    '# dropsync benchmark results',
    '',
    `Generated ${header.generatedAt} on ${header.machine}. Command: \`npm run bench\`${args.quick ? ' (--quick)' : ''}.`,
    `Each figure is compared against a baseline measured in the same run (ratio = median / baseline).`,
    '',
    ...modules.map((r) => renderModule(r, true) + '\n'),
  ].join('\n');
  writeFileSync(join(here, 'results.md'), md);
  const summary = fresh.map((r) => `${r.module}: ${r.status}`).join(', ');
  console.log(`\nbench: ${summary}\nwrote bench/results.md and bench/results.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
