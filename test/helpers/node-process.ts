import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin/rxchat.js', import.meta.url));

export type JsonEvent = Record<string, unknown> & { event: string };

export interface NodeProcess {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: JsonEvent[];
  stdout: string;
  stderr: string;
  /** The ready event's port. */
  port: number;
  id: string;
  address: string;
  send(...lines: string[]): void;
  end(): void;
  waitFor(
    predicate: (event: JsonEvent) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<JsonEvent>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(timeoutMs?: number): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Kills whatever a test left running; call it in afterEach. */
export function killAll(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }
  running.clear();
}

const DEFAULT_WAIT_MS = 15_000;

/** Polls `check` every 10 ms until it returns a value; rejects after `timeoutMs`. */
export function poll<T>(
  check: () => T | undefined,
  what: string,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const found = check();
      if (found !== undefined) {
        clearInterval(timer);
        resolve(found);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describe()}`));
      }
    }, 10);
  });
}

export interface StartOptions {
  readonly args?: readonly string[];
  readonly json?: boolean;
  readonly env?: Record<string, string>;
  /** Wait for `ready` (default true). */
  readonly ready?: boolean;
  /** The port to listen on (default 0: any free one). */
  readonly port?: number;
}

/** Starts `rxchat 0 <name> <peers…> --host 127.0.0.1 [--json]` as a real process. */
export async function startNode(
  name: string,
  peers: readonly string[] = [],
  options: StartOptions = {},
): Promise<NodeProcess> {
  const json = options.json ?? true;
  const args = [
    BIN,
    String(options.port ?? 0),
    name,
    ...peers,
    '--host',
    '127.0.0.1',
    ...(json ? ['--json'] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  running.add(child);
  let exitCode: number | null | undefined;
  child.on('close', (code) => {
    exitCode = code;
  });
  let partial = '';
  const node: NodeProcess = {
    name,
    child,
    events: [],
    stdout: '',
    stderr: '',
    port: 0,
    id: '',
    address: '',
    send(...lines) {
      child.stdin.write(lines.map((line) => `${line}\n`).join(''));
    },
    end() {
      child.stdin.end();
    },
    waitFor(predicate, what, timeoutMs = DEFAULT_WAIT_MS) {
      return poll(
        () => node.events.find(predicate),
        `${name}: ${what}`,
        timeoutMs,
        () => `stdout:\n${node.stdout}\nstderr:\n${node.stderr}`,
      );
    },
    waitForStderr(pattern, timeoutMs = DEFAULT_WAIT_MS) {
      return poll(
        () => pattern.exec(node.stderr)?.[0],
        `${name}: stderr ${pattern}`,
        timeoutMs,
        () => `stderr:\n${node.stderr}`,
      );
    },
    exited(timeoutMs = DEFAULT_WAIT_MS) {
      return poll(
        () => (exitCode === undefined ? undefined : { code: exitCode }),
        `${name} to exit`,
        timeoutMs,
        () => `stderr:\n${node.stderr}`,
      ).then((result) => result.code);
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
  };
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    node.stdout += text;
    if (!json) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) node.events.push(JSON.parse(line) as JsonEvent);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    node.stderr += chunk.toString('utf8');
  });
  if (json && options.ready !== false) {
    const ready = await node.waitFor((e) => e.event === 'ready', 'ready');
    node.port = Number(ready.port);
    node.id = String(ready.id);
    node.address = `127.0.0.1:${node.port}`;
  }
  return node;
}

/** Runs the binary to completion; for argument errors and other short runs. */
export function runToExit(
  args: readonly string[],
  input = '',
  timeoutMs = DEFAULT_WAIT_MS,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rxchat ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Messages a node has shown, as `from: text`. */
export function said(node: NodeProcess): string[] {
  return node.events
    .filter((e) => e.event === 'message')
    .map((e) => `${String(e.from)}: ${String(e.text)}`);
}

export function joinedIds(node: NodeProcess): Set<string> {
  return new Set(node.events.filter((e) => e.event === 'join').map((e) => String(e.id)));
}

/**
 * Three `--no-mesh` nodes started as a line (the first; the second names it;
 * the third names the second), returned once both links are up.
 */
export async function lineOfThree(
  names: readonly [string, string, string],
): Promise<[NodeProcess, NodeProcess, NodeProcess]> {
  const args = ['--no-mesh'];
  const a = await startNode(names[0], [], { args });
  const b = await startNode(names[1], [a.address], { args });
  const c = await startNode(names[2], [b.address], { args });
  await b.waitFor((e) => e.event === 'join' && e.id === c.id, `${names[2]} joined ${names[1]}`);
  await a.waitFor((e) => e.event === 'join' && e.id === b.id, `${names[1]} joined ${names[0]}`);
  // a learns of c only from b's gossip (sent at b's next tick): ask a until it knows c.
  let asked = 0;
  await poll(
    () => {
      const known = a.events.some(
        (e) =>
          e.event === 'peers' &&
          (e.peers as { id: string }[] | undefined)?.some((p) => p.id === c.id) === true,
      );
      if (!known && asked++ % 10 === 0) a.send('/peers');
      return known ? true : undefined;
    },
    `${names[0]} to hear of ${names[2]}`,
    10_000,
    () => a.stderr,
  );
  return [a, b, c];
}

/** Ids a node counts as linked now: a join not followed by a leave. */
export function linkedIds(node: NodeProcess): Set<string> {
  const linked = new Set<string>();
  for (const event of node.events) {
    if (event.event === 'join') linked.add(String(event.id));
    if (event.event === 'leave') linked.delete(String(event.id));
  }
  return linked;
}

/** One row of a `peers` event. */
export interface PeerRow {
  readonly id: string;
  readonly state: string;
}

/** States in which /peers lists a member as present. */
export const PRESENT_STATES: ReadonlySet<string> = new Set(['linked', 'connecting', 'known']);

/**
 * Asks `node` for /peers (every 100 ms) until its latest answer satisfies
 * `check`; resolves with that answer.
 */
export function askPeersUntil(
  node: NodeProcess,
  check: (peers: readonly PeerRow[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<readonly PeerRow[]> {
  let polls = 0;
  return poll(
    () => {
      const latest = node.events.filter((e) => e.event === 'peers').at(-1);
      const peers = latest?.peers as PeerRow[] | undefined;
      if (peers !== undefined && check(peers)) return peers;
      if (polls++ % 10 === 0) node.send('/peers');
      return undefined;
    },
    `${node.name}: ${what}`,
    timeoutMs,
    () => `stdout:\n${node.stdout}\nstderr:\n${node.stderr}`,
  );
}

/** Waits until each of `nodes` is linked with every other. */
export async function fullMesh(nodes: readonly NodeProcess[], timeoutMs = 20_000): Promise<void> {
  for (const node of nodes) {
    const others = nodes.filter((other) => other !== node).map((other) => other.id);
    await poll(
      () => (others.every((id) => linkedIds(node).has(id)) ? true : undefined),
      `${node.name} linked with all ${others.length} others`,
      timeoutMs,
      () => node.stdout,
    );
  }
}
