import type { SchedulerLike } from 'rxjs';
import { EMPTY, Observable, Subject } from 'rxjs';
import type { NodeConfig } from '../../src/core/config.js';
import { makeConfig } from '../../src/core/config.js';
import type { DialPurpose, LinkId, NodeEvent } from '../../src/core/event.js';
import type { OutputEvent } from '../../src/core/output-event.js';
import type { NetDriver } from '../../src/io/net-driver.js';
import type { Output } from '../../src/io/output.js';
import type { InputDriver } from '../../src/io/sinks.js';
import type { NodeDrivers } from '../../src/node.js';
import { runNode$ } from '../../src/node.js';
import type { Frame } from '../../src/protocol/frames.js';
import { frameJson } from '../../src/protocol/json-text.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import { fakeBox, fakeIdentity } from './core-fixtures.js';

/** One way of a link in memory: frames and the end arrive this long after they were sent. */
const LATENCY_MS = 1;

interface End {
  readonly node: MemoryNode;
  readonly link: LinkId;
  /** How long what is sent on this link takes, either way. */
  readonly latencyMs: number;
  peer?: End;
  open: boolean;
}

/** A node of the room: what it showed, and its keyboard. */
export interface MemoryNode {
  readonly name: string;
  readonly address: string;
  /** Every `--json` event it emitted, in order. */
  readonly events: OutputEvent[];
  readonly warnings: string[];
  /** Chat messages that arrived on its links, duplicates included (what it read). */
  chatIn: number;
  /** Every `bye` that arrived on its links: its reason, and when (virtual ms). */
  readonly byes: { readonly reason: string; readonly at: number }[];
  /** The exit code, once its runNode$ emitted one. */
  exitCode: number | undefined;
  /** True once its runNode$ completed, and when (virtual ms). */
  completed: boolean;
  completedAt: number | undefined;
  /** Types lines, as one read of stdin. */
  type(...lines: string[]): void;
  /** Ends its stdin. */
  endInput(): void;
  signal(signal: 'SIGINT' | 'SIGTERM'): void;
  /** Like kill -9: its stream is unsubscribed, its links go down without a goodbye. */
  crash: () => void;
  emit(event: NodeEvent): void;
  /** For the net driver of this node. */
  ends: Map<LinkId, End>;
  listening: boolean;
}

/** Where a node starts: its address (default: the next port), the scheduler its runNode$ gets. */
export interface StartAt {
  readonly address?: string;
  readonly scheduler?: SchedulerLike;
}

/**
 * Several nodes in memory, each run by `runNode$` itself with fake drivers:
 * links are pairs of ends, frames go through the wire's JSON and the frame
 * validator, and everything is delivered by actions on `scheduler` — no
 * sockets, streams, timers or promises.
 */
export class MemoryRoom {
  private readonly nodes = new Map<string, MemoryNode>();
  private nextPort = 9001;
  private nextLink = 1;
  /** Called with every frame as it arrives, before its node takes it: for counting traffic. */
  tap?: (from: MemoryNode, to: MemoryNode, frame: Frame, at: number) => void;
  /** A frame this says true of is lost on the way (the link stays up): for testing repair. */
  lose?: (from: MemoryNode, to: MemoryNode, frame: Frame) => boolean;
  /** Links dialled by a node (by its address) that are slower than LATENCY_MS. */
  private readonly dialLatency = new Map<string, number>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Links that the node at `address` dials from now on carry frames (and their end) in `latencyMs`, both ways. */
  slowDials(address: string, latencyMs: number): void {
    this.dialLatency.set(address, latencyMs);
  }

  /** Starts a node listening on the next port (or at `at.address`, a restart); `configOf` gets its port. */
  start(name: string, configOf: (port: number) => NodeConfig, at: StartAt = {}): MemoryNode {
    const { node, run$ } = this.prepare(name, configOf, at);
    const subscription = run$.subscribe({
      next: (code) => {
        node.exitCode = code;
      },
      complete: () => {
        node.completed = true;
        node.completedAt = this.scheduler.now();
      },
    });
    node.crash = () => subscription.unsubscribe();
    return node;
  }

  /** A mesh: a member per id (named m0, m1, …), each after the first naming the first. */
  startMesh(ids: readonly string[]): MemoryNode[] {
    const members: MemoryNode[] = [];
    for (const [i, id] of ids.entries()) {
      const peers = members[0] === undefined ? [] : [members[0].address];
      members.push(this.start(`m${i}`, memberConfig(id, `m${i}`, peers)));
    }
    return members;
  }

  /** A node and its runNode$, not yet subscribed (for marble tests of the output). */
  prepare(
    name: string,
    configOf: (port: number) => NodeConfig,
    at: StartAt = {},
  ): { node: MemoryNode; run$: Observable<number> } {
    const port = at.address === undefined ? this.nextPort++ : portOf(at.address);
    const address = `127.0.0.1:${port}`;
    const { scheduler } = this;
    const events$ = new Subject<NodeEvent>();
    const input$ = new Subject<NodeEvent>();
    const signal$ = new Subject<NodeEvent>();
    const node: MemoryNode = {
      name,
      address,
      events: [],
      warnings: [],
      chatIn: 0,
      byes: [],
      exitCode: undefined,
      completed: false,
      completedAt: undefined,
      ends: new Map(),
      listening: false,
      type: (...lines) =>
        this.later(0, () => input$.next({ kind: 'input', at: scheduler.now(), lines })),
      endInput: () =>
        this.later(0, () => {
          input$.next({ kind: 'inputEnd', at: scheduler.now() });
          input$.complete();
        }),
      signal: (signal) =>
        this.later(0, () => signal$.next({ kind: 'signal', at: scheduler.now(), signal })),
      crash: () => {},
      emit: (event) => events$.next(event),
    };
    this.nodes.set(address, node);
    const drivers: NodeDrivers = {
      config: configOf(port),
      input: { event$: input$, hold: () => {} } satisfies InputDriver,
      signal$,
      net: this.netDriver(node, events$),
      output: memoryOutput(node),
    };
    return { node, run$: runNode$(drivers, at.scheduler ?? scheduler) };
  }

  private later(ms: number, work: () => void): void {
    this.scheduler.schedule(work, ms);
  }

  private netDriver(node: MemoryNode, events$: Subject<NodeEvent>): NetDriver {
    const now = (): number => this.scheduler.now();
    const down = (end: End, reason: string): void => {
      if (!end.open) return;
      end.open = false;
      end.node.ends.delete(end.link);
      end.node.emit({ kind: 'linkDown', at: now(), link: end.link, reason });
    };
    // Subscribing listens; unsubscribing drops every link that is left, as a dead process does.
    const event$ = new Observable<NodeEvent>((subscriber) => {
      node.listening = true;
      const subscription = events$.subscribe(subscriber);
      return () => {
        node.listening = false;
        subscription.unsubscribe();
        for (const end of [...node.ends.values()]) {
          end.open = false;
          node.ends.delete(end.link);
          const peer = end.peer;
          if (peer !== undefined) this.later(end.latencyMs, () => down(peer, 'connection reset'));
        }
      };
    });
    return {
      event$,
      send: (links: readonly LinkId[], frame: Frame) => {
        const bytes = frameJson(frame);
        for (const link of links) {
          const end = node.ends.get(link);
          const peer = end?.peer;
          if (end === undefined || peer === undefined) continue;
          this.later(end.latencyMs, () => {
            if (!peer.open) return;
            const checked = validateFrame(JSON.parse(bytes));
            if (!checked.ok) throw new Error(`invalid frame on the wire: ${checked.error}`);
            if (this.lose?.(node, peer.node, checked.frame) === true) return;
            if (checked.frame.type === 'chat') peer.node.chatIn += checked.frame.texts.length;
            this.tap?.(node, peer.node, checked.frame, now());
            if (checked.frame.type === 'bye')
              peer.node.byes.push({ reason: checked.frame.reason, at: now() });
            peer.node.emit({ kind: 'frame', at: now(), link: peer.link, frame: checked.frame });
          });
        }
      },
      dial: (target: string, purpose: DialPurpose) => this.dial(node, target, purpose),
      close: (link: LinkId, graceful: boolean) => {
        const end = node.ends.get(link);
        if (end === undefined) return;
        const peer = end.peer;
        // Graceful: after what was written (it arrives first); either way both ends go down.
        if (graceful) this.later(end.latencyMs, () => down(end, 'connection closed'));
        else down(end, 'connection closed');
        if (peer !== undefined) this.later(end.latencyMs, () => down(peer, 'connection closed'));
      },
      member: () => {},
      holdReading: () => {},
    };
  }

  private dial(node: MemoryNode, target: string, purpose: DialPurpose): void {
    const now = (): number => this.scheduler.now();
    const latencyMs = this.dialLatency.get(node.address) ?? LATENCY_MS;
    this.later(latencyMs, () => {
      const listener = this.nodes.get(target);
      if (listener === undefined || !listener.listening || !node.listening) {
        node.emit({
          kind: 'dialFailed',
          at: now(),
          target,
          purpose,
          reason: 'connect ECONNREFUSED',
        });
        return;
      }
      const out: End = { node, link: this.nextLink++, latencyMs, open: true };
      const inn: End = { node: listener, link: this.nextLink++, latencyMs, open: true, peer: out };
      out.peer = inn;
      node.ends.set(out.link, out);
      listener.ends.set(inn.link, inn);
      // Each link is one session, named alike at both ends, as a closed room's TLS names it.
      const binding = `session-${out.link}`;
      node.emit({
        kind: 'linkUp',
        at: now(),
        link: out.link,
        remote: target,
        direction: 'out',
        nonce: `nonce-${out.link}`,
        binding,
        target,
        purpose,
      });
      // As with TCP, the listener accepts a little after the dialer connected (by the last ACK),
      // before the dialer's first frame arrives.
      this.later(Math.floor(latencyMs / 2), () =>
        listener.emit({
          kind: 'linkUp',
          at: now(),
          link: inn.link,
          remote: `127.0.0.1:${40_000 + portOf(node.address)}`,
          direction: 'in',
          nonce: `nonce-${inn.link}`,
          binding,
        }),
      );
    });
  }
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** Output that keeps what a node showed; stdout never falls behind. */
function memoryOutput(node: MemoryNode): Output {
  return {
    emit: (event) => node.events.push(event),
    notice: () => {},
    warn: (warning) => node.warnings.push(warning.text),
    event$: EMPTY,
    drain$: EMPTY,
    abort$: EMPTY,
  };
}

/** A member's config for a MemoryRoom: fake key `id`, dialling `peers`, no backoff jitter. */
export function memberConfig(
  id: string,
  name: string,
  peers: readonly string[] = [],
  fields: Partial<NodeConfig> = {},
): (port: number) => NodeConfig {
  return (port) =>
    makeConfig({
      identity: fakeIdentity(id),
      box: fakeBox(id),
      name,
      port,
      peers,
      seed: 7,
      backoff: { baseMs: 250, capMs: 30_000, jitter: 0 },
      ...fields,
    });
}
