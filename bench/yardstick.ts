import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Build, Summary } from './harness.js';
import { BIN, summarise } from './harness.js';

/**
 * The reference harness (`$RXCHAT_YARDSTICK`, by default `../shared/yardstick`
 * beside the project): its `bench.py` measures its own two plain-`net` meshes,
 * this project's baselines and rxchat through stdin and stdout only,
 * interleaved round by round here. It is run, never copied; without it (or
 * without python3) the report says so and leaves its figures out.
 */

const root = fileURLToPath(new URL('../', import.meta.url));
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** One system as the yardstick drives it. */
export interface YardstickSystem {
  readonly label: string;
  /** `bench.py` arguments naming it. */
  readonly args: (dir: string) => readonly string[];
}

export interface YardstickRow {
  readonly label: string;
  /** W1 msg/s per receiver (each run: the slower of bob and carol). */
  readonly w1?: Summary;
  readonly w2p50?: Summary;
  readonly w2p99?: Summary;
  /** Peak RSS of the busiest member in W1, MiB. */
  readonly rss?: Summary;
  /** Runs that failed bench.py's own checks (lost, garbled, out of order, incomplete): left out. */
  readonly failed: number;
}

const node = process.execPath;
const rxchatCmd = (cmd: string) => (): readonly string[] => [
  '--system',
  'rxchat',
  '--rxchat-cmd',
  cmd,
];

export const YARDSTICK_SYSTEMS: readonly YardstickSystem[] = [
  { label: 'yardstick: plain-`net` mesh, `from: text`', args: () => ['--system', 'raw'] },
  {
    label: 'yardstick: plain-`net` mesh, JSON events (`from`, `text`)',
    args: (dir) => rxchatCmd(`${node} ${join(dir, 'fake-rxchat.mjs')}`)(),
  },
  {
    label: 'baseline, JSON events',
    args: rxchatCmd(`${node} ${here('./baseline-node.js')}`),
  },
  {
    label: 'baseline, JSON events of `from` and `text` only (`--short`)',
    args: rxchatCmd(`${node} ${here('./baseline-node.js')} --short`),
  },
  // The build the rest of the report measures (RXCHAT_BIN, else this project's dist/).
  { label: 'rxchat (signed, the default)', args: rxchatCmd(BIN) },
];

/**
 * The yardstick's own plain-text mesh (`raw-node-mesh.mjs`) as a build of this
 * harness, so that W1 pairs it with this project's plain baseline round by round.
 */
export function yardstickPlainMesh(dir: string): Build | undefined {
  const bin = join(dir, 'raw-node-mesh.mjs');
  if (!existsSync(bin)) return undefined;
  return {
    label: 'yardstick: its plain-`net` mesh, `from: text` (`raw-node-mesh.mjs`)',
    bin,
    args: [],
    env: {},
    stats: false,
    stderrEvents: true,
  };
}

/** Where the yardstick is, or why it is not run. */
export function findYardstick(): { readonly dir: string } | { readonly skipped: string } {
  const dir = resolve(root, process.env.RXCHAT_YARDSTICK ?? '../shared/yardstick');
  if (!existsSync(join(dir, 'bench.py'))) return { skipped: `no yardstick at ${dir}` };
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python.status !== 0) return { skipped: 'python3 is not installed' };
  return { dir };
}

interface BenchPyReceiver {
  readonly msgs_per_s: number;
  readonly lost: number;
  readonly garbled_lines: number;
}

interface BenchPyDoc {
  readonly params: { readonly w2_count: number };
  readonly runs: readonly {
    readonly error?: string;
    readonly w1?: {
      readonly receivers: Record<string, BenchPyReceiver>;
      readonly all_intact_in_order: boolean;
      readonly all_complete: boolean;
    };
    readonly w2?: {
      readonly bob: { readonly p50_us: number; readonly p99_us: number; readonly received: number };
    };
    readonly memory?: Record<string, { readonly peak_rss_mib: number }>;
  }[];
}

/** One `bench.py` run of one system and workload, its logs in `dir`; its JSON results. */
function benchPy(
  yardstick: string,
  system: YardstickSystem,
  workload: 'W1' | 'W2',
  dir: string,
): BenchPyDoc {
  const out = join(dir, 'results.json');
  const args = [join(yardstick, 'bench.py'), ...system.args(yardstick), '--workload', workload];
  const run = spawnSync(
    'python3',
    [...args, '--runs', '1', '--out', out, '--logs', join(dir, 'logs')],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0)
    throw new Error(
      `yardstick ${system.label} ${workload}: ${(run.stdout + run.stderr).trim().split('\n').slice(-3).join(' / ')}`,
    );
  return JSON.parse(readFileSync(out, 'utf8')) as BenchPyDoc;
}

/** `rounds` rounds, each running every system once per workload, in turn. */
export function runYardstick(yardstick: string, rounds: number): YardstickRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'rxchat-yardstick-'));
  try {
    return rowsOf(yardstick, rounds, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rowsOf(yardstick: string, rounds: number, dir: string): YardstickRow[] {
  const w1 = new Map<YardstickSystem, number[]>();
  const rss = new Map<YardstickSystem, number[]>();
  const p50 = new Map<YardstickSystem, number[]>();
  const p99 = new Map<YardstickSystem, number[]>();
  const failed = new Map<YardstickSystem, number>();
  const push = (map: Map<YardstickSystem, number[]>, system: YardstickSystem, value: number) =>
    map.set(system, [...(map.get(system) ?? []), value]);
  const fail = (system: YardstickSystem) => failed.set(system, (failed.get(system) ?? 0) + 1);
  for (let round = 0; round < rounds; round++) {
    for (const system of YARDSTICK_SYSTEMS) {
      for (const run of benchPy(yardstick, system, 'W1', dir).runs) {
        const receivers = Object.values(run.w1?.receivers ?? {});
        const clean =
          run.error === undefined &&
          run.w1?.all_intact_in_order === true &&
          run.w1.all_complete &&
          receivers.every((r) => r.lost === 0 && r.garbled_lines === 0);
        if (!clean) {
          fail(system);
          continue;
        }
        push(w1, system, Math.min(...receivers.map((r) => r.msgs_per_s)));
        const peaks = Object.values(run.memory ?? {}).map((m) => m.peak_rss_mib);
        if (peaks.length > 0) push(rss, system, Math.max(...peaks));
      }
      const w2 = benchPy(yardstick, system, 'W2', dir);
      for (const run of w2.runs) {
        if (
          run.error !== undefined ||
          run.w2 === undefined ||
          run.w2.bob.received < w2.params.w2_count
        ) {
          fail(system);
          continue;
        }
        push(p50, system, run.w2.bob.p50_us);
        push(p99, system, run.w2.bob.p99_us);
      }
    }
  }
  const of = (map: Map<YardstickSystem, number[]>, system: YardstickSystem) => {
    const values = map.get(system) ?? [];
    return values.length === 0 ? {} : { value: summarise(values) };
  };
  return YARDSTICK_SYSTEMS.map((system) => {
    const [a, b, c, d] = [of(w1, system), of(p50, system), of(p99, system), of(rss, system)];
    return {
      label: system.label,
      failed: failed.get(system) ?? 0,
      ...(a.value === undefined ? {} : { w1: a.value }),
      ...(b.value === undefined ? {} : { w2p50: b.value }),
      ...(c.value === undefined ? {} : { w2p99: c.value }),
      ...(d.value === undefined ? {} : { rss: d.value }),
    };
  });
}
