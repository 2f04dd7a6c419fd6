import { withoutEntry } from './collections.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import type { NodeState } from './state.js';
import { ownStream, withDirect } from './state.js';

/** The id a direct message is shown by at its addressee: its sender's stream and its number. */
export function directId(stream: string, n: number): string {
  return `${stream}:d${n}`;
}

/** The receipt of direct message `n` from its addressee (sealed by it, so nobody else can send it). */
export function onReceipt(state: NodeState, from: string, n: number, out: Effect[]): NodeState {
  const key = `${from}:${n}`;
  const pending = state.direct.pending.get(key);
  if (pending === undefined) return state;
  out.push({
    kind: 'emit',
    event: {
      event: 'dm-delivered',
      to: from,
      user: pending.name,
      id: directId(ownStream(state), n),
    },
    who: namedOf(state, from, pending.name),
  });
  return withDirect(state, { pending: withoutEntry(state.direct.pending, key) });
}

/** When the next direct message of this node's is due to be reported not delivered. */
export function undeliveredDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const pending of state.direct.pending.values())
    if (due === undefined || pending.deadline < due) due = pending.deadline;
  return due;
}

/**
 * Reports each direct message whose receipt did not come within the linger
 * (all of them when `all`: the node is leaving now), and stops waiting for it.
 */
export function reportUndelivered(
  state: NodeState,
  at: number,
  out: Effect[],
  all = false,
): NodeState {
  let pending = state.direct.pending;
  for (const [key, direct] of state.direct.pending) {
    if (!all && direct.deadline > at) continue;
    out.push({
      kind: 'emit',
      event: {
        event: 'dm-undelivered',
        to: direct.to,
        user: direct.name,
        id: directId(ownStream(state), direct.n),
        waitedMs: at - direct.sentAt,
      },
      who: namedOf(state, direct.to, direct.name),
    });
    pending = withoutEntry(pending, key);
  }
  if (pending === state.direct.pending) return state;
  const undelivered = state.direct.undelivered + state.direct.pending.size - pending.size;
  return withDirect(state, { pending, undelivered });
}
