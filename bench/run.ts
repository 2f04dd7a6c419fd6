import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FrameSizes, FramesResult } from './frames.js';
import { frameSizes } from './frames.js';
import type { Build, Summary } from './harness.js';
import {
  baselineJson,
  baselinePlain,
  baselineTls,
  fmt,
  rxchat,
  stopAll,
  summarise,
} from './harness.js';
import type { LatencyResult } from './latency.js';
import { latency } from './latency.js';
import type { IdleResult } from './memory.js';
import { floodWithStoppedMember, idleMemory, idleMeshCpu } from './memory.js';
import type { FanOutResult } from './workloads.js';
import {
  catchUpAfterFreeze,
  causalOverhead,
  fanOut,
  meshFormation,
  timeToLost,
} from './workloads.js';
import { findYardstick, runYardstick, yardstickPlainMesh } from './yardstick.js';
import type { Target } from './yardstick-report.js';
import { signAndVerifyUs, yardstickReport } from './yardstick-report.js';

/**
 * `npm run bench`: measures rxchat on this machine, against plain-`net`
 * baselines in the same run, and rewrites docs/BENCHMARKS.md.
 *
 *   --quick               tiny sizes, one run each (the smoke test)
 *   --out=<file>          write there instead of docs/BENCHMARKS.md
 *   --compare-bin=<file>  also run W1, W4 idle and the frame sizes with another build of rxchat
 *                         (e.g. a `git worktree` of an older commit, built: its
 *                         dist/bin/rxchat.js), interleaved round by round (frame sizes: room by
 *                         room) with this one, a row (frame sizes: a column) for each
 *   --compare-label=<s>   what to call it
 *   --only=<list>         run only these workloads, comma-separated: w1 (fan-out), w2 (latency),
 *                         w3 (mesh formation), idle (W4 idle: memory and CPU), flood (W4 flood),
 *                         w4 (both of those), frames (chat and have frame sizes, fresh and after
 *                         churn), other, yardstick (the reference harness of $RXCHAT_YARDSTICK,
 *                         by default ../shared/yardstick, when it and python3 are there; never
 *                         with --quick); the report holds only their sections and targets, so it
 *                         needs --out (docs/BENCHMARKS.md keeps full runs only)
 *
 * e.g. node dist-bench/run.js --only=w1,idle --compare-bin=../old/dist/bin/rxchat.js
 *        --compare-label=before --out=/tmp/ab.md
 */

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 5;
const W1_LINES = quick ? 300 : 50_000;
const W2_LINES = quick ? 40 : 400;
const W2_EVERY_MS = 5;
const MESH_SIZES = quick ? [2, 4] : [2, 4, 8, 16, 32];
const FLOOD_MS = quick ? 1500 : 10_000;
/** W4 idle: long enough that CPU time, counted in 10 ms ticks, resolves to 1 ms per second. */
const IDLE_MS = quick ? 1000 : 10_000;
const IDLE_RUNS = quick ? 1 : 3;
const IDLE_SETTLE_MS = quick ? 0 : 2000;
/** Idle CPU in larger rooms: their sizes. */
const IDLE_ROOMS = quick ? [4] : [8, 32];
/** Frame sizes: the rooms, the burst, and the restarts of one member in the churned room. */
const FRAME_ROOMS = quick ? [3] : [3, 8, 32];
const FRAME_BURST = quick ? 20 : 500;
const FRAME_CHURN_ROOM = quick ? 3 : 8;
const FRAME_RESTARTS = quick ? 2 : 20;
const option = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

/** Refuses to run: a mistaken option must not cost a run, nor overwrite the recorded report. */
function refuse(why: string): never {
  process.stderr.write(`bench: ${why}\n`);
  process.exit(2);
}

const WORKLOADS = ['yardstick', 'w1', 'w2', 'w3', 'idle', 'flood', 'frames', 'other'] as const;
/** Rounds of the reference harness (each: every system once per workload). */
const YARDSTICK_ROUNDS = 3;
type Workload = (typeof WORKLOADS)[number];
const onlyOption = option('only');
const only: ReadonlySet<Workload> | undefined = (() => {
  if (onlyOption === undefined) return undefined;
  const names = onlyOption
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const known = new Set<string>([...WORKLOADS, 'w4']);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0 || names.length === 0)
    refuse(
      `--only=${onlyOption}: ${unknown.length > 0 ? `no workload ${unknown.join(', ')}` : 'no workloads'}; the workloads are ${[...WORKLOADS, 'w4 (idle and flood)'].join(', ')}`,
    );
  return new Set(
    WORKLOADS.filter(
      (w) => names.includes(w) || (names.includes('w4') && (w === 'idle' || w === 'flood')),
    ),
  );
})();
const selected = (workload: Workload): boolean => only === undefined || only.has(workload);
if (only !== undefined && option('out') === undefined)
  refuse(
    `--only writes a partial report; give --out=<file> too (docs/BENCHMARKS.md is written by full runs only)`,
  );
const compareBin = option('compare-bin');
if (compareBin !== undefined && !existsSync(compareBin))
  refuse(`--compare-bin=${compareBin}: no such file (build that rxchat first)`);
const out = option('out') ?? fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));

const closedRoom: Build = {
  ...rxchat,
  label: 'rxchat, closed room (TLS)',
  env: { RXCHAT_SECRET: 'bench secret' },
};
const unsigned: Build = {
  ...rxchat,
  label: 'rxchat without signatures',
  bin: fileURLToPath(new URL('./unsigned-node.js', import.meta.url)),
};
const signed: Build = { ...rxchat, label: 'rxchat (signed, the default)' };
const compared: Build | undefined =
  compareBin === undefined
    ? undefined
    : { ...rxchat, label: option('compare-label') ?? 'another build', bin: compareBin };

/** Runs every build once per round, interleaved, so all see the same machine. */
async function interleaved<T>(
  builds: readonly Build[],
  runs: number,
  run: (build: Build) => Promise<T>,
): Promise<Map<Build, T[]>> {
  const results = new Map<Build, T[]>(builds.map((build) => [build, []]));
  for (let i = 0; i < runs; i++)
    for (const build of builds) results.get(build)?.push(await run(build));
  return results;
}

async function repeat<T>(runs: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  return results;
}

const n = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number): string => `${n(a / b, 2)}×`;
const met = (ok: boolean): string => (ok ? 'met' : '**not met**');

/** The three rows of one room at one moment: a cell per build (– where it was not measured). */
function frameRows(
  size: number,
  when: string,
  sizes: readonly (FrameSizes | undefined)[],
): string[] {
  const cells = (cell: (s: FrameSizes) => string): string =>
    sizes.map((s) => (s === undefined ? '–' : cell(s))).join(' | ');
  const frames = (count: number): string => `${n(count)} frame${count === 1 ? '' : 's'}`;
  return [
    `| ${size} | one line | ${when} | ${cells((s) => `${n(s.line)} bytes`)} |`,
    `| ${size} | ${n(FRAME_BURST)}-line burst | ${when} | ${cells((s) => `${n(s.burstBytes)} bytes in ${frames(s.burstFrames)}`)} |`,
    `| ${size} | \`have\` | ${when} | ${cells((s) => `${n(s.have)} bytes`)} |`,
  ];
}

/** Frame sizes: each room once for each build in turn; the churned room after its restarts too. */
async function framesSection(builds: readonly Build[]): Promise<string> {
  const rows: string[] = [];
  const versions = new Map<Build, Set<number>>(builds.map((build) => [build, new Set()]));
  for (const size of FRAME_ROOMS) {
    const restarts = size === FRAME_CHURN_ROOM ? FRAME_RESTARTS : 0;
    const results: FramesResult[] = [];
    for (const build of builds) {
      const result = await frameSizes(size, FRAME_BURST, restarts, build);
      for (const measured of [result.fresh, result.churned])
        if (measured !== undefined) versions.get(build)?.add(measured.version);
      results.push(result);
    }
    const fresh = results.map((r) => r.fresh);
    const churned = results.map((r) => r.churned);
    rows.push(...frameRows(size, 'fresh', fresh));
    if (restarts > 0) rows.push(...frameRows(size, `after ${restarts} restarts`, churned));
  }
  const label = (build: Build): string => (build === signed ? 'this build' : build.label);
  const spoke = builds.map(
    (build) =>
      `${[...(versions.get(build) ?? [])].map((v) => `v${v}`).join(' and ')} with ${label(build)}`,
  );
  return `## Frame sizes

What one member writes to a link, in bytes of the JSON line with its newline, caught by a hand-made
member (a probe, speaking the member's protocol version) linked with it: the live \`chat\` frame of
one ~60-byte line, every frame of a burst of ${n(FRAME_BURST)} such lines written at once to its stdin, and
the \`have\` it sends the probe right after the handshake. Each room is a fresh full mesh of real
processes where every member has spoken once. After restarts: in the room of ${FRAME_CHURN_ROOM}, one member was then
restarted ${FRAME_RESTARTS} times (SIGKILL, then a new start on a new port without \`--identity\`, so a new id and
stream each time; each time until it was linked with everyone and had said one line), and the same
was measured again from a member that stayed. One run of each build per room, the builds in turn.

| members | frame | room | ${builds.map(label).join(' | ')} |
|---|---|---|${builds.map(() => '---|').join('')}
${rows.join('\n')}

The probe spoke protocol ${spoke.join(', ')}.
`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const targets: Target[] = [];
  /** One Ed25519 sign and verify here, in µs: what W2 allows a message for its cryptography. */
  const signVerifyUs = signAndVerifyUs();
  /** The report's sections after the targets, each only if its workloads ran. */
  const sections: string[] = [];

  // The reference harness first, on a machine nothing else of the run has warmed or filled.
  if (selected('yardstick')) {
    const found: ReturnType<typeof findYardstick> = quick
      ? { skipped: 'not run with --quick (the smoke test)' }
      : findYardstick();
    const result =
      'dir' in found
        ? { rows: runYardstick(found.dir, YARDSTICK_ROUNDS), rounds: YARDSTICK_ROUNDS }
        : found;
    const report = yardstickReport(result, signVerifyUs);
    targets.push(...report.targets);
    sections.push(report.section);
  }

  // W1: fan-out, every build interleaved; the yardstick's plain mesh too, when it is there.
  const w1Builds = [signed, baselineJson, baselinePlain, unsigned, closedRoom, baselineTls];
  if (compared !== undefined) w1Builds.push(compared);
  const yardstickDir = quick ? undefined : findYardstick();
  const yardstickPlain =
    yardstickDir !== undefined && 'dir' in yardstickDir
      ? yardstickPlainMesh(yardstickDir.dir)
      : undefined;
  if (yardstickPlain !== undefined) w1Builds.push(yardstickPlain);
  const w1 = selected('w1')
    ? await interleaved(w1Builds, RUNS, (build) => fanOut(W1_LINES, 2, build))
    : new Map<Build, FanOutResult[]>();
  if (selected('w1')) {
    // Signatures cost a few per cent, less than the spread of one run here: six more rounds of just
    // signed and unsigned, so that their paired ratio rests on eleven.
    // A compared build runs in those rounds too: its paired ratio rests on eleven as well.
    const more = await interleaved(
      compared === undefined ? [signed, unsigned] : [signed, unsigned, compared],
      quick ? 0 : 6,
      (build) => fanOut(W1_LINES, 2, build),
    );
    const pooled = (build: Build): FanOutResult[] => [
      ...(w1.get(build) ?? []),
      ...(more.get(build) ?? []),
    ];
    const rate = (build: Build): Summary =>
      summarise((w1.get(build) ?? []).map((r) => r.perSecond));
    const w1Rows = w1Builds.map((build) => {
      const runs = w1.get(build) ?? [];
      const median = (pick: (r: FanOutResult) => number): string =>
        n(summarise(runs.map(pick)).median);
      const perFrame = summarise(runs.map((r) => r.perFrame).filter((v) => !Number.isNaN(v)));
      return `| ${build.label} | ${fmt(summarise(runs.map((r) => r.ms)), 0, ' ms')} | ${fmt(rate(build))} | ${ratio(rate(build).median, rate(baselineJson).median)} | ${median((r) => r.cpu.sender)} / ${median((r) => r.cpu.receiver)} / ${median((r) => r.cpu.harness)} | ${build.stats ? n(perFrame.median) : '–'} |`;
    });
    // Each round runs every build once, one after another: the ratio within a round cancels most of
    // what the shared machine was doing then. The target is the median of those paired ratios.
    const paired = (a: Build, b: Build): Summary => {
      const as = pooled(a);
      const bs = pooled(b);
      const rounds = Math.min(as.length, bs.length);
      return summarise(as.slice(0, rounds).map((r, i) => r.perSecond / (bs[i]?.perSecond ?? 1)));
    };
    const pairedText = (s: Summary): string =>
      `${n(s.median, 2)}× (rounds ${n(s.min, 2)}–${n(s.max, 2)}×)`;
    /** A target: `a` at least `least` times `b`, by the median of the paired rounds. */
    const pairedTarget = (what: string, a: Build, b: Build, least: number): Target => {
      const ratio = paired(a, b);
      return {
        what: `${what} (paired by round)`,
        aim: `≥ ${n(least, 2)}×`,
        measured: pairedText(ratio),
        ok: ratio.median >= least,
      };
    };
    targets.push(
      pairedTarget(
        'W1 fan-out, signed, against the baseline printing the same JSON events',
        signed,
        baselineJson,
        0.8,
      ),
      pairedTarget(
        'W1 fan-out, closed room, against the baseline over the same TLS-PSK settings',
        closedRoom,
        baselineTls,
        0.8,
      ),
      pairedTarget(
        'W1 fan-out, signed, against the baseline printing plain `from: text`',
        signed,
        baselinePlain,
        0.5,
      ),
    );
    if (yardstickPlain !== undefined)
      targets.push(
        pairedTarget(
          'W1 fan-out: the plain baseline against the yardstick’s own plain-`net` mesh, in this harness',
          baselinePlain,
          yardstickPlain,
          1,
        ),
      );
    const signedRatio = paired(signed, unsigned);
    targets.push({
      what: `W1 with signatures against W1 without (paired by round, ${pooled(signed).length} round${pooled(signed).length === 1 ? '' : 's'})`,
      aim: '≥ 0.90× (within 10 %)',
      measured: pairedText(signedRatio),
      ok: signedRatio.median >= 0.9,
    });
    if (compared !== undefined) {
      const comparedRatio = paired(signed, compared);
      const rounds = Math.min(pooled(signed).length, pooled(compared).length);
      targets.push({
        what: `W1 of this build against ${compared.label} (paired by round, ${rounds} round${rounds === 1 ? '' : 's'})`,
        aim: '≥ 0.95×',
        measured: pairedText(comparedRatio),
        ok: comparedRatio.median >= 0.95,
      });
    }
    sections.push(`## W1 fan-out

Three members; ${n(W1_LINES)} numbered lines of ~60 bytes written at once to one member's stdin; until
both others showed all of them. Every run checks that each receiver showed every line exactly once,
intact and in order; a run that does not fails the benchmark. CPU is user + system time of the
sender, the busier receiver and the harness during the run.

| build | time | msg/s per receiver | vs JSON baseline | CPU ms: sender / receiver / harness | messages per frame |
|---|---|---|---|---|---|
${w1Rows.join('\n')}
`);
  }

  // W2: latency.
  if (selected('w2')) {
    const w2Builds = [signed, baselineJson, baselinePlain];
    const w2 = await interleaved(w2Builds, RUNS, (build) => latency(W2_LINES, W2_EVERY_MS, build));
    const pick = (build: Build, p: keyof LatencyResult): number =>
      summarise((w2.get(build) ?? []).map((r) => r[p])).median;
    const w2Rows = w2Builds.map(
      (build) =>
        `| ${build.label} | ${n(pick(build, 'p50'), 2)} | ${n(pick(build, 'p90'), 2)} | ${n(pick(build, 'p99'), 2)} | ${ratio(pick(build, 'p50'), pick(baselineJson, 'p50'))} | ${ratio(pick(build, 'p99'), pick(baselineJson, 'p99'))} |`,
    );
    // A message's own cryptography is allowed for: 1.25 × the baseline, plus one sign and verify.
    const allowedMs = 1.25 * pick(baselineJson, 'p50') + signVerifyUs / 1000;
    targets.push({
      what: `W2 latency p50 against 1.25 × the JSON baseline’s plus one sign and verify (${n(signVerifyUs)} µs)`,
      aim: `≤ ${n(allowedMs, 2)} ms`,
      measured: `${n(pick(signed, 'p50'), 2)} ms (${ratio(pick(signed, 'p50'), pick(baselineJson, 'p50'))} the baseline’s)`,
      ok: pick(signed, 'p50') <= allowedMs,
    });
    targets.push({
      what: 'W2 latency p99 against the JSON baseline',
      aim: '≤ 2×',
      measured: ratio(pick(signed, 'p99'), pick(baselineJson, 'p99')),
      ok: pick(signed, 'p99') <= 2 * pick(baselineJson, 'p99'),
    });
    sections.push(`## W2 latency

Three members; ${n(W2_LINES)} lines, one every ${W2_EVERY_MS} ms, each carrying its send time; receive minus send at
another member, in ms (median of the runs' percentiles).

| build | p50 | p90 | p99 | p50 vs JSON baseline | p99 vs JSON baseline |
|---|---|---|---|---|---|
${w2Rows.join('\n')}
`);
  }

  // W3: mesh formation.
  if (selected('w3')) {
    const w3Rows: string[] = [];
    for (const size of MESH_SIZES) {
      const times = summarise(await repeat(RUNS, () => meshFormation(size)));
      w3Rows.push(`| ${size} | ${fmt(times, 0, ' ms')} |`);
      if (size === MESH_SIZES.at(-1))
        targets.push({
          what: `W3: ${size} nodes fully linked after the last \`ready\``,
          aim: '≤ 1,000 ms',
          measured: `${n(times.median)} ms (runs ${n(times.min)}–${n(times.max)} ms)`,
          ok: times.median <= 1000,
        });
    }
    sections.push(`## W3 mesh formation

N nodes each given the first one's address; from the last node's \`ready\` until every node has
linked with every other.

| N | time |
|---|---|
${w3Rows.join('\n')}
`);
  }

  // W4: memory, and the CPU of idle members; the idle runs interleaved with the compared build.
  const w4Rows: string[] = [];
  const idleCpuRows: string[] = [];
  const idleRoomRows: string[] = [];
  if (selected('idle')) {
    const idleBuilds = compared === undefined ? [signed] : [signed, compared];
    const idleRuns = await interleaved(idleBuilds, IDLE_RUNS, (build) =>
      idleMemory(IDLE_MS, build, IDLE_SETTLE_MS),
    );
    const ofBuild = (build: Build): IdleResult[] => idleRuns.get(build) ?? [];
    const idle = summarise(ofBuild(signed).map((r) => r.peakMb));
    targets.push({
      what: 'W4: peak RSS of an idle member',
      aim: '< 50 MB',
      measured: `${n(idle.max, 1)} MB`,
      ok: idle.max < 50,
    });
    // Without a compared build the rows stay as they were; with one, each says whose it is.
    const whose = (build: Build): string => (compared === undefined ? '' : ` — ${build.label}`);
    for (const build of idleBuilds) {
      w4Rows.push(
        `| idle, three linked members, highest of the three${whose(build)} | ${fmt(summarise(ofBuild(build).map((r) => r.peakMb)), 1, ' MB')} |`,
      );
      idleCpuRows.push(
        `| ${build.label} | ${fmt(summarise(ofBuild(build).flatMap((r) => r.cpuMsPerSecond)), 1)} |`,
      );
    }
    for (const size of IDLE_ROOMS) {
      const perLinked = summarise(await idleMeshCpu(size, IDLE_MS, IDLE_SETTLE_MS));
      idleRoomRows.push(`| ${size} | ${fmt(perLinked, 2)} |`);
      targets.push({
        what: `W4: idle CPU of a member of ${size}, per member it is linked with`,
        aim: '≤ 2 ms per second',
        measured: `${n(perLinked.median, 2)} ms/s (members ${n(perLinked.min, 2)}–${n(perLinked.max, 2)})`,
        ok: perLinked.median <= 2,
      });
    }
  }
  if (selected('w1') && (selected('idle') || selected('flood')))
    w4Rows.push(
      `| after W1 (${n(W1_LINES)} lines), highest of the three | ${fmt(summarise((w1.get(signed) ?? []).map((r) => r.peakMb)), 1, ' MB')} |`,
    );
  if (selected('flood')) {
    const floods = await repeat(quick ? 1 : 3, () => floodWithStoppedMember(FLOOD_MS));
    const flood = summarise(floods.map((r) => r.peakMb));
    targets.push({
      what: `W4: peak RSS of the running members while one is stopped and the room is flooded for ${n(FLOOD_MS / 1000)} s; they chat on`,
      aim: '< 150 MB',
      measured: `${n(flood.max, 1)} MB; a line each way after the flood in ${n(summarise(floods.map((r) => r.chatAfterMs)).max)} ms`,
      ok: flood.max < 150,
    });
    w4Rows.push(
      `| stopped member, ${n(FLOOD_MS / 1000)} s flood at full speed (${fmt(summarise(floods.map((r) => r.lines)))} lines), the two running members | ${fmt(flood, 1, ' MB')} |`,
      `| … the flooding member | ${fmt(summarise(floods.map((r) => r.flooderMb)), 1, ' MB')} |`,
      `| … the other running member | ${fmt(summarise(floods.map((r) => r.otherMb)), 1, ' MB')} |`,
      `| … the stopped member shown \`lost\` after | ${fmt(summarise(floods.map((r) => r.lostAfterMs)), 0, ' ms')} |`,
    );
  }
  if (w4Rows.length > 0)
    sections.push(`## W4 memory and idle CPU

Peak resident set size (VmHWM) of the member processes.

| when | peak RSS |
|---|---|
${w4Rows.join('\n')}
${
  idleCpuRows.length === 0
    ? ''
    : `
Idle CPU: user + system time of each of the three idle members over the ${n(IDLE_MS / 1000)} s from
${n(IDLE_SETTLE_MS / 1000)} s after their mesh had formed, per second of it; median and min–max over every member of every run
(${IDLE_RUNS} run${IDLE_RUNS === 1 ? '' : 's'} of each build, interleaved; counted in 10 ms ticks, so to ${n(10_000 / IDLE_MS, 1)} ms per second).

| build | ms of CPU per second per member |
|---|---|
${idleCpuRows.join('\n')}
`
}${
  idleRoomRows.length === 0
    ? ''
    : `
Idle CPU in larger rooms: N members, each given the first one's address, the same window from
${n(IDLE_SETTLE_MS / 1000)} s after every one linked with every other; each member's CPU per second, divided by the N − 1
members it is linked with (one run; median and min–max over the members).

| N | ms of CPU per second per linked member |
|---|---|
${idleRoomRows.join('\n')}
`
}`);

  if (selected('frames'))
    sections.push(await framesSection(compared === undefined ? [signed] : [signed, compared]));

  // Other measurements of the node's guarantees.
  const others = quick ? 1 : 3;
  if (selected('other')) {
    const other: string[] = [];
    const lines = quick ? 200 : 10_000;
    const toThree = await interleaved([signed, closedRoom], others, (b) => fanOut(lines, 3, b));
    for (const build of [signed, closedRoom]) {
      const runs = toThree.get(build) ?? [];
      other.push(
        `| one node sending ${n(lines)} lines to 3 members, ${build.label} | ${fmt(summarise(runs.map((r) => r.ms)), 0, ' ms')} | ${fmt(summarise(runs.map((r) => r.perSecond)))} msg/s per receiver |`,
      );
    }
    const size = quick ? 3 : 8;
    const overhead = await causalOverhead(size);
    other.push(
      `| causal and signature metadata (incarnation, deps, key, signature) in a live frame of one ~60-byte line, ${size} members who all spoke | ${overhead.frame} bytes per frame, ${overhead.frame - overhead.without} of them metadata | ${n(((overhead.frame - overhead.without) / overhead.without) * 100)} % over the frame without it |`,
    );
    const frozen = quick ? 50 : 1000;
    const freezeMs = quick ? 3500 : 5000;
    const catchUp = await repeat(others, () => catchUpAfterFreeze(frozen, freezeMs));
    other.push(
      `| catch-up: a member frozen ${n(freezeMs / 1000, 1)} s while ${frozen} messages were sent, from SIGCONT until it showed all | ${fmt(summarise(catchUp), 0, ' ms')} | |`,
    );
    for (const signal of ['SIGKILL', 'SIGSTOP'] as const) {
      const times = await repeat(others, () => timeToLost(signal));
      other.push(
        `| ${signal} of one of 3 members until both others show it \`lost\` (peer timeout 3 s) | ${fmt(summarise(times), 0, ' ms')} | |`,
      );
    }
    sections.push(`## Other measurements

${others} run${others === 1 ? '' : 's'} each.

| workload | time | rate |
|---|---|---|
${other.join('\n')}
`);
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const minutes = (performance.now() - started) / 60_000;
  const partial =
    only === undefined
      ? ''
      : `\n\n**A partial run** (\`--only=${[...only].join(',')}\`): only those workloads, and only the targets they measure.`;
  const text = `# Benchmarks

Written by \`npm run bench\` in ${n(minutes, 1)} minutes: ${RUNS} run${RUNS === 1 ? '' : 's'} of each workload
(fewer where noted), median and then min–max in parentheses. Real processes on 127.0.0.1, each with
\`--json\`; times are measured by the harness from when it writes to stdin or sends a signal until it
has read the events on the other nodes' stdout. Every build of a workload runs interleaved, one run of
each in turn, so that all see the same machine; ratios, not absolute rates, compare across machines.${partial}

- Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB
- Node.js ${process.version}, ${process.platform}/${process.arch}
- Date: ${new Date().toISOString().slice(0, 10)}

The baselines (\`bench/baseline-node.ts\`) are a minimal mesh with plain \`net\` and no RxJS, one JSON
object per line on the wire, written with care: sockets and stdin read as UTF-8 chunks split by
hand, the lines of one stdin read sent as one frame in one write per peer, one stdout write per
socket read, stdin paused while a peer is over its high-water mark; and none of rxchat's guarantees
(no causal order, signatures, liveness or catch-up). One prints the same \`message\` events as
\`rxchat --json\` (the like-for-like limit), the other plain \`from: text\` (the floor of Node
itself). The yardstick section below measures them beside the reference harness's own meshes.

## Targets

| target | aim | measured | |
|---|---|---|---|
${targets.map((t) => `| ${t.what} | ${t.aim} | ${t.measured} | ${met(t.ok)} |`).join('\n')}

${sections.join('\n')}`;
  // Hand-written notes below the marker survive a rerun.
  const marker = '<!-- notes: kept by npm run bench -->';
  let notes = `${marker}\n`;
  try {
    const previous = readFileSync(out, 'utf8');
    const at = previous.indexOf(marker);
    if (at !== -1) notes = previous.slice(at);
  } catch {
    // first run: no notes yet
  }
  writeFileSync(out, `${text}\n${notes}`);
  process.stdout.write(text);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(stopAll);
