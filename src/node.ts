import type { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { merge, of, Subject } from 'rxjs';
import type { CliOptions } from './cli/options.js';
import { chatLoop } from './core/chat-loop.js';
import { makeConfig } from './core/config.js';
import type { Effect } from './core/effect.js';
import type { NodeEvent } from './core/event.js';
import type { Identity } from './core/identity.js';
import { initialState } from './core/state.js';
import { listen } from './io/listen.js';
import { defaultLimits, makeNetDriver } from './io/net-driver.js';
import { makeOutput } from './io/output.js';
import { roomKey } from './io/room-key.js';
import { signalEvent$ } from './io/signals.js';
import { stdinLines } from './io/stdin-lines.js';
import { makeTerminal } from './io/terminal.js';
import { tick$ } from './io/ticks.js';
import { closedTransport, openTransport } from './io/transport.js';
import { colorStyle, plainStyle, wantsColor } from './render/style.js';

/** What the node touches of the outside world; the CLI passes the process's own. */
export interface NodeIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Emits SIGINT and SIGTERM. */
  readonly signals: EventEmitter;
  readonly clock: () => number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The node's key pair: its id is derived from the public key. */
  readonly identity: Identity;
  readonly newIncarnation: () => string;
  readonly seed: number;
  /** Ends the process at once (a second Ctrl+C while leaving). */
  readonly exitNow: (code: number) => void;
}

const TICK_MS = 50;
const CONNECT_TIMEOUT_MS = 5000;
const SHUTDOWN_TIMEOUT_MS = 2000;
const WARNING_WINDOW_MS = 2000;
/** stdout this far behind: stop reading links until it drained (bounds memory). */
const OUTPUT_BACKLOG_BYTES = 1024 * 1024;

/**
 * Runs one node until it leaves; resolves with the exit code. This is the only
 * place that merges the sources and subscribes the sinks.
 */
export async function runNode(options: CliOptions, io: NodeIO): Promise<number> {
  const { clock } = io;
  const transport =
    options.secret === undefined
      ? openTransport()
      : closedTransport(roomKey(options.secret), defaultLimits.handshakeTimeoutMs);
  let bound: Awaited<ReturnType<typeof listen>>;
  try {
    bound = await listen(transport, options.host, options.port);
  } catch (error) {
    io.stderr.write(`rxchat: ${(error as Error).message}\n`);
    return 1;
  }
  const config = makeConfig({
    identity: io.identity,
    incarnation: io.newIncarnation(),
    startedAt: clock(),
    name: options.name,
    port: bound.port,
    mesh: options.mesh,
    peers: options.peers,
    peerTimeoutMs: options.peerTimeoutMs,
    redialForMs: options.redialForMs,
    lingerMs: options.lingerMs,
    historyLimit: options.history,
    seed: io.seed,
    ...(options.advertise === undefined ? {} : { advertise: options.advertise }),
  });
  const isTty = (stream: Readable | Writable): boolean =>
    (stream as { isTTY?: boolean }).isTTY === true;
  const interactive = !options.json && isTty(io.stdin) && isTty(io.stdout);
  const terminal = interactive ? makeTerminal(io.stdin, io.stdout, clock) : undefined;
  const output = makeOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    json: options.json,
    clock,
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
  const net = makeNetDriver({
    server: bound.server,
    transport,
    clock,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    limits: { ...defaultLimits, maxLinks: options.maxLinks },
  });

  // Backpressure end to end: while a link cannot keep up, stop reading stdin.
  net.onCongestion((congested) => (congested ? io.stdin.pause() : io.stdin.resume()));
  // And while stdout cannot keep up, stop reading links: senders are slowed by TCP.
  const readingHeld$ = new Subject<NodeEvent>();
  output.onBacklog((held) => {
    net.holdReading(held);
    readingHeld$.next({ kind: 'readingHeld', at: clock(), held });
  });

  const event$ = merge(
    of<NodeEvent>({ kind: 'start', at: clock() }),
    terminal === undefined ? stdinLines(io.stdin, clock, config.maxLineChars) : terminal.event$,
    signalEvent$(io.signals, clock),
    tick$(TICK_MS, clock),
    net.event$,
    readingHeld$,
  );

  return new Promise<number>((resolve) => {
    let leaving = false;
    const leave = async (code: number, now: boolean): Promise<void> => {
      if (now) {
        io.exitNow(code);
        return;
      }
      if (leaving) return;
      leaving = true;
      terminal?.close();
      await net.shutdown(SHUTDOWN_TIMEOUT_MS);
      subscription.unsubscribe();
      await output.close();
      resolve(code);
    };
    const perform = (effect: Effect): void => {
      switch (effect.kind) {
        case 'emit':
          output.emit(effect.event, effect.label);
          break;
        case 'notice':
          output.notice(effect.text);
          break;
        case 'warn':
          output.warn(
            effect.key === undefined
              ? { text: effect.text }
              : { text: effect.text, key: effect.key },
          );
          break;
        case 'send':
          net.send(effect.links, effect.frame);
          break;
        case 'dial':
          net.dial(effect.target, effect.purpose);
          break;
        case 'close':
          net.close(effect.link, effect.graceful);
          break;
        case 'exit':
          void leave(effect.code, effect.now);
          break;
      }
    };
    const subscription = event$.pipe(chatLoop(initialState(config))).subscribe(perform);
  });
}
