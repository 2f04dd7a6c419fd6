import type { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Observable, SchedulerLike } from 'rxjs';
import {
  asapScheduler,
  asyncScheduler,
  connect,
  defer,
  lastValueFrom,
  merge,
  of,
  takeWhile,
} from 'rxjs';
import type { CliOptions } from './cli/options.js';
import { chatLoop } from './core/chat-loop.js';
import type { NodeConfig } from './core/config.js';
import { makeConfig } from './core/config.js';
import type { NodeEvent } from './core/event.js';
import type { DirectBox, Identity } from './core/identity.js';
import { initialState } from './core/state.js';
import { listen } from './io/listen.js';
import type { NetDriver } from './io/net-driver.js';
import { defaultLimits, makeNetDriver } from './io/net-driver.js';
import type { Output } from './io/output.js';
import { makeOutput } from './io/output.js';
import { roomKey } from './io/room-key.js';
import { signalEvent$ } from './io/signals.js';
import type { InputDriver } from './io/sinks.js';
import { exitCode, inputSink, networkSink, renderSink } from './io/sinks.js';
import { stdinInput } from './io/stdin-lines.js';
import { makeTerminal } from './io/terminal.js';
import { closedTransport, openTransport } from './io/transport.js';
import { colorStyle, plainStyle, wantsColor } from './render/style.js';

/** What one node is wired to: each driver is a source of events, a sink of effects, or both. */
export interface NodeDrivers {
  readonly config: NodeConfig;
  /** Lines typed or piped in, then `inputEnd`. */
  readonly input: InputDriver;
  /** SIGINT and SIGTERM. */
  readonly signal$: Observable<NodeEvent>;
  readonly net: NetDriver;
  readonly output: Output;
}

/**
 * One node, as the design card draws it: the sources merged, folded by
 * `scan(step)` into effects (one array per step), shared once, and each sink
 * subscribed to the effects it owns. The effects end with `exit`; the stream then completes,
 * which unsubscribes every source (the network's teardown destroys what is
 * left of the links): the output emits the exit code then, and completes once
 * stdout drained.
 */
export function runNode$(
  drivers: NodeDrivers,
  scheduler: SchedulerLike,
  soon: SchedulerLike = asapScheduler,
): Observable<number> {
  return defer(() =>
    merge(
      drivers.input.event$,
      drivers.signal$,
      drivers.net.event$,
      drivers.output.event$,
      // Last, so every source is listening before the first effect.
      of<NodeEvent>({ kind: 'start', at: scheduler.now() }),
    ).pipe(
      chatLoop(initialState(drivers.config), scheduler, soon),
      // The step that exits is the last: its effects end with `exit`, then the stream completes.
      takeWhile((effects) => effects.at(-1)?.kind !== 'exit', true),
      connect((effect$) =>
        merge(
          effect$.pipe(renderSink(drivers.output)),
          effect$.pipe(networkSink(drivers.net)),
          effect$.pipe(inputSink(drivers.input)),
          effect$.pipe(exitCode()),
        ),
      ),
    ),
  );
}

/** What the node touches of the outside world; the CLI passes the process's own. */
export interface NodeIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Emits SIGINT and SIGTERM. */
  readonly signals: EventEmitter;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The node's key pair: its id is derived from the public key. */
  readonly identity: Identity;
  readonly newIncarnation: () => string;
  /** This incarnation's X25519 key pair (its public half announced): seals direct messages. */
  readonly newDirectBox: () => DirectBox;
  readonly seed: number;
}

const CONNECT_TIMEOUT_MS = 5000;
const WARNING_WINDOW_MS = 2000;
/** stdout this far behind: stop reading links until it drained (bounds memory). */
const OUTPUT_BACKLOG_BYTES = 1024 * 1024;

const isTty = (stream: Readable | Writable): boolean =>
  (stream as { isTTY?: boolean }).isTTY === true;

/** Binds the port and runs one node on the process's own streams; resolves with the exit code. */
export async function runNode(options: CliOptions, io: NodeIO): Promise<number> {
  // Every timer and clock reading of a real node.
  const scheduler = asyncScheduler;
  const transport =
    options.secret === undefined
      ? openTransport()
      : closedTransport(roomKey(options.secret), defaultLimits.handshakeTimeoutMs);
  let bound: Awaited<ReturnType<typeof listen>>;
  try {
    bound = await listen(options.host, options.port);
  } catch (error) {
    io.stderr.write(`rxchat: ${(error as Error).message}\n`);
    return 1;
  }
  const clock = (): number => scheduler.now();
  const config = makeConfig({
    identity: io.identity,
    incarnation: io.newIncarnation(),
    box: io.newDirectBox(),
    startedAt: clock(),
    name: options.name,
    port: bound.port,
    mesh: options.mesh,
    peers: options.peers,
    peerTimeoutMs: options.peerTimeoutMs,
    redialForMs: options.redialForMs,
    lingerMs: options.lingerMs,
    gapWaitMs: options.gapWaitMs,
    historyLimit: options.history,
    maxLinks: options.maxLinks,
    ...(options.links === undefined ? {} : { links: options.links }),
    seed: io.seed,
    ...(options.advertise === undefined ? {} : { advertise: options.advertise }),
  });
  const interactive = !options.json && isTty(io.stdin) && isTty(io.stdout);
  const terminal = interactive ? makeTerminal(io.stdin, io.stdout, clock) : undefined;
  const output = makeOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    json: options.json,
    scheduler,
    warningWindowMs: WARNING_WINDOW_MS,
    backlogBytes: OUTPUT_BACKLOG_BYTES,
    style: wantsColor(isTty(io.stdout), io.env, !options.color) ? colorStyle : plainStyle,
    quiet: options.quiet,
    ...(terminal === undefined ? {} : { printAbove: terminal.printAbove }),
  });
  if (options.secret === undefined) {
    io.stderr.write(
      'rxchat: this room is open and unencrypted: anyone who reaches the port can read and write (set RXCHAT_SECRET or --secret-file to close it)\n',
    );
  }
  const drivers: NodeDrivers = {
    config,
    input: terminal ?? stdinInput(io.stdin, clock, config.maxLineChars),
    signal$: signalEvent$(io.signals, clock),
    net: makeNetDriver({
      server: bound.server,
      transport,
      scheduler,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      limits: defaultLimits,
    }),
    output,
  };
  return lastValueFrom(runNode$(drivers, scheduler));
}
