import { MAX_WANT, originOf, streamOf } from '../protocol/frames.js';
import type { NodeConfig } from './config.js';
import type { DeliveryLimits, Vector } from './delivery.js';
import { doneOf } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { sendHave } from './gossip.js';
import type { Logged } from './log.js';
import type { NodeState } from './state.js';
import { activeLinks, ownStream, withChat } from './state.js';

/**
 * Pull before giving up: a message held for a missing predecessor makes the
 * node ask for it (a `have` naming the streams it wants) well before the gap
 * wait ends, again each pull interval while it waits.
 */

export function heldLimits(config: NodeConfig): DeliveryLimits {
  return {
    ordering: 'causal',
    maxHeld: config.maxHeld,
    maxHeldPerOrigin: config.maxHeldPerOrigin,
  };
}

/** How long a message waits before its predecessors are asked for, and between asks. */
export function pullEveryMs(config: NodeConfig): number {
  return Math.max(20, Math.floor(config.gapWaitMs / 5));
}

/** The streams the first waiting message of a stream waits for: its own, or its deps' (never this node's). */
function wantedFor(vector: Vector, retired: Vector, head: Logged, own: string): string[] {
  const done = vector.get(head.stream) ?? 0;
  if (head.seq > done + 1) return [head.stream];
  const want: string[] = [];
  for (const stream in head.deps)
    if (stream !== own && doneOf(vector, retired, stream) < (head.deps[stream] ?? 0))
      want.push(stream);
  return want;
}

/** When a held stream next asks: a pull interval after it began waiting or last asked. */
function askAt(state: NodeState, stream: string, since: number): number {
  const asked = state.chat.pulledAt.get(stream);
  return Math.max(since, asked ?? since) + pullEveryMs(state.config);
}

export function pullDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const [stream, queue] of state.chat.delivery.held) {
    for (const entry of queue.values()) {
      const at = askAt(state, stream, entry.since);
      if (due === undefined || at < due) due = at;
      break;
    }
  }
  return due;
}

/**
 * Who to ask for a stream: its origin when linked in that same incarnation (it
 * has its own messages), else everyone (a restarted origin has not).
 */
function askWhom(state: NodeState, stream: string): readonly LinkId[] {
  const origin = state.members.get(originOf(stream));
  const same = origin?.inc !== undefined && streamOf(origin.id, origin.inc) === stream;
  if (same && origin?.state === 'linked' && origin.link !== undefined) return [origin.link];
  return activeLinks(state);
}

export function pullMissing(state: NodeState, at: number, out: Effect[]): NodeState {
  const { vector, held, retired } = state.chat.delivery;
  const pulledAt = new Map<string, number>();
  const wants = new Map<LinkId, Set<string>>();
  let changed = false;
  for (const [stream, queue] of held) {
    const previous = state.chat.pulledAt.get(stream);
    let asked = false;
    for (const entry of queue.values()) {
      asked = askAt(state, stream, entry.since) <= at;
      if (!asked) break;
      const head = queue.get((vector.get(stream) ?? 0) + 1) ?? entry;
      for (const want of wantedFor(vector, retired, head.message, ownStream(state)))
        for (const link of askWhom(state, want))
          wants.set(link, (wants.get(link) ?? new Set()).add(want));
      break;
    }
    if (asked) pulledAt.set(stream, at);
    else if (previous !== undefined) pulledAt.set(stream, previous);
    changed ||= asked;
  }
  // Streams no longer held are forgotten here too.
  if (!changed && pulledAt.size === state.chat.pulledAt.size) return state;
  // At most what a receiver accepts; the rest is asked at the next pull.
  for (const [link, streams] of wants) sendHave(state, link, out, [...streams].slice(0, MAX_WANT));
  return withChat(state, { pulledAt });
}
