import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN =
  process.env.RXCHAT_BIN ?? fileURLToPath(new URL('../dist/bin/rxchat.js', import.meta.url));

/** What runs as a node: rxchat, another build of it, or a baseline. */
export interface Build {
  readonly label: string;
  readonly bin: string;
  /** Extra arguments after `<port> <name> [peers]`. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Answers `/stats` (rxchat does; the baselines do not). */
  readonly stats: boolean;
  /**
   * Speaks the yardstick's plain mesh's interface instead of rxchat's: only
   * `<port> <name> [peers]`, and on stderr `listening <host>:<port>` and
   * `connected <address>` / `closed <address>` in place of `ready`, `join`
   * and `leave` (its links are named by address).
   */
  readonly stderrEvents?: boolean;
}

export const rxchat: Build = { label: 'rxchat', bin: BIN, args: [], env: {}, stats: true };

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** The plain-`net` mesh printing the same `--json` events: the like-for-like limit. */
export const baselineJson: Build = {
  label: 'baseline, JSON events',
  bin: here('./baseline-node.js'),
  args: [],
  env: {},
  stats: false,
};

/** The same mesh over TLS-PSK as rxchat's closed room sets it up: the closed room's limit. */
export const baselineTls: Build = {
  label: 'baseline, JSON events, closed room (TLS)',
  bin: here('./baseline-node.js'),
  args: ['--tls'],
  env: { RXCHAT_SECRET: 'bench secret' },
  stats: false,
};

/** The plain-`net` mesh printing `from: text`: the floor of Node itself. */
export const baselinePlain: Build = {
  label: 'baseline, plain text',
  bin: here('./baseline-node.js'),
  args: ['--plain'],
  env: {},
  stats: false,
};

const MESSAGE = '{"event":"message",';

/** The value of a string field in a JSON line that holds no escapes. */
function stringField(line: string, name: string): string | undefined {
  const key = `"${name}":"`;
  const at = line.indexOf(key);
  if (at === -1) return undefined;
  const start = at + key.length;
  return line.slice(start, line.indexOf('"', start));
}

/**
 * An output line as an event. The harness must not be the bottleneck, so a
 * message line without escapes is read by string search (`from`, `text` and
 * `history`, all the workloads look at); a plain line `from: text` (the plain
 * baseline) is read as the message it stands for; anything else is parsed.
 */
function eventOf(line: string): Record<string, unknown> {
  if (line.startsWith(MESSAGE) && !line.includes('\\')) {
    return {
      event: 'message',
      from: stringField(line, 'from'),
      text: stringField(line, 'text'),
      history: line.includes('"history":true'),
    };
  }
  if (line.startsWith('{')) return JSON.parse(line) as Record<string, unknown>;
  const colon = line.indexOf(': ');
  return { event: 'message', from: line.slice(0, colon), text: line.slice(colon + 2) };
}

/** CPU time (user + system) a process has used so far, in ms; Linux only, else NaN. */
export function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Peak resident memory of a process so far (VmHWM), in MB; Linux only, else NaN. */
export function peakRssMbOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

/** A node under measurement: its --json events, counted as they arrive. */
export interface BenchNode {
  readonly child: ChildProcessWithoutNullStreams;
  readonly id: string;
  readonly port: number;
  readonly address: string;
  readonly readyAt: number;
  /** Ids currently linked (join not followed by leave), kept from the start. */
  readonly linked: Set<string>;
  /** Ids shown as lost, kept from the start. */
  readonly lost: Set<string>;
  /** Called for every event line, with the arrival time; returns what stops it. */
  onEvent(listener: (event: Record<string, unknown>, at: number) => void): () => void;
  stop(): void;
}

const live = new Set<ChildProcessWithoutNullStreams>();

export function stopAll(): void {
  for (const child of live) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  live.clear();
}

/**
 * The Node options a script's shebang gives (`#!/usr/bin/env -S node --opt`):
 * the harness runs a bin as it runs when installed, with the Node it runs on.
 */
export function shebangOptions(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.startsWith('#!') ? first.slice(2).trim().split(/\s+/) : [];
  const node = words.indexOf('node');
  return node === -1 ? [] : words.slice(node + 1);
}

export function startBenchNode(
  name: string,
  peers: readonly string[],
  build: Build = rxchat,
): Promise<BenchNode> {
  const args =
    build.stderrEvents === true
      ? ['0', name, ...peers, ...build.args]
      : ['0', name, ...peers, '--host', '127.0.0.1', '--json', ...build.args];
  const child = spawn(process.execPath, [...shebangOptions(build.bin), build.bin, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...build.env },
  });
  live.add(child);
  const listeners: ((event: Record<string, unknown>, at: number) => void)[] = [];
  let partial = '';
  const linked = new Set<string>();
  const lost = new Set<string>();
  let handle: (event: Record<string, unknown>, at: number) => void = () => undefined;
  if (build.stderrEvents === true) {
    let partialErr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partialErr + chunk.toString('utf8')).split('\n');
      partialErr = lines.pop() ?? '';
      for (const line of lines) {
        const event = stderrEventOf(line, name);
        if (event !== undefined) handle(event, performance.now());
      }
    });
  } else child.stderr.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) handle(eventOf(line), at);
    });
    handle = (event, at) => {
      if (event.event === 'join') linked.add(String(event.id));
      if (event.event === 'leave') {
        linked.delete(String(event.id));
        if (event.reason === 'lost') lost.add(String(event.id));
      }
      if (event.event === 'ready') {
        clearTimeout(timer);
        const port = Number(event.port);
        resolve({
          child,
          id: String(event.id),
          port,
          address: `127.0.0.1:${port}`,
          readyAt: at,
          linked,
          lost,
          onEvent: (listener) => {
            listeners.push(listener);
            return () => {
              const at = listeners.indexOf(listener);
              if (at !== -1) listeners.splice(at, 1);
            };
          },
          stop: () => child.kill('SIGKILL'),
        });
      }
      for (const listener of listeners) listener(event, at);
    };
  });
}

/** A line on the stderr of a node that speaks the yardstick's plain mesh's interface, as an event. */
function stderrEventOf(line: string, name: string): Record<string, unknown> | undefined {
  const [word, address] = line.split(' ');
  if (word === 'listening') return { event: 'ready', id: name, port: address?.split(':').at(-1) };
  if (word === 'connected') return { event: 'join', id: address };
  if (word === 'closed') return { event: 'leave', id: address, reason: 'closed' };
  return undefined;
}

/** Resolves when `check` is true, polled on every event of the given nodes; rejects after `timeoutMs`. */
export function until(
  nodes: readonly BenchNode[],
  check: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = false;
    const stops: (() => void)[] = [];
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      for (const stop of stops) stop();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out: ${what}`));
    }, timeoutMs);
    const test = (): void => {
      if (!done && check()) {
        finish();
        resolve(performance.now());
      }
    };
    for (const node of nodes) stops.push(node.onEvent(test));
    test();
  });
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

export function fmt(summary: Summary, digits = 0, unit = ''): string {
  const f = (n: number): string =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${f(summary.median)}${unit} (${f(summary.min)}–${f(summary.max)})`;
}
