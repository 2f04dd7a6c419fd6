import { earliest, withoutEntry } from './collections.js';
import { forgetQuitMembers } from './member-life.js';
import { presentStreams } from './present.js';
import type { Member, NodeState } from './state.js';
import { withChat, withDialer } from './state.js';

/** Retirement records kept (a stream's last seq, so its replays stay duplicates); the oldest go first. */
export const MAX_RETIRED = 4096;

/** How long a member that quit is kept (listed apart by /peers, not redialled): 10 minutes. */
export const QUIT_KEPT_MS = 10 * 60_000;

/** When a member that left is forgotten: lost, after --redial-for; quit, after QUIT_KEPT_MS. */
function forgottenAt(state: NodeState, member: Member): number | undefined {
  if (member.leftAt === undefined) return undefined;
  if (member.state === 'lost') return member.leftAt + state.config.redialForMs;
  if (member.state === 'quit') return member.leftAt + QUIT_KEPT_MS;
  return undefined;
}

/** When the next member that left is forgotten. */
export function leftDue(state: NodeState): number | undefined {
  return earliest(state.members.values(), (member) => forgottenAt(state, member));
}

/** Members lost longer than --redial-for (gone, with their redials), or quit QUIT_KEPT_MS ago. */
export function forgetLeftMembers(state: NodeState, at: number): NodeState {
  const gone = new Set<string>();
  for (const member of state.members.values()) {
    const due = forgottenAt(state, member);
    if (due !== undefined && at >= due) gone.add(member.id);
  }
  if (gone.size === 0) return state;
  const members = new Map(state.members);
  let { redials } = state.dialer;
  for (const id of gone) {
    members.delete(id);
    redials = withoutEntry(redials, id);
  }
  // Their retirement records stay (within their bound): should one come back after all, what
  // it said before is still a duplicate, never shown twice.
  return withDialer({ ...state, members }, { redials });
}

/** Drops the oldest entries (first in insertion order) beyond `max`. */
function trimOldest<V>(map: Map<string, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) break;
    map.delete(key);
  }
}

/**
 * Keeps the vector to the streams present (see present.ts): a stream that is
 * not present leaves it once none of its messages is held back, for a
 * retirement record (its last seq, still counted for duplicates and deps; the
 * newest MAX_RETIRED kept), and a retired stream that is present again comes
 * back. Also forgets all but the newest quit members (forgetQuitMembers).
 */
export function forgetDeparted(state: NodeState): NodeState {
  const present = presentStreams(state);
  const { delivery } = state.chat;
  const leaving = [...delivery.vector.keys()].filter(
    (stream) => !present.has(stream) && !delivery.held.has(stream),
  );
  const returning = [...present].filter(
    (stream) => !delivery.vector.has(stream) && delivery.retired.has(stream),
  );
  const over = [delivery.retired, delivery.passed, delivery.skipped].some(
    (m) => m.size > MAX_RETIRED,
  );
  if (leaving.length === 0 && returning.length === 0 && !over) return forgetQuitMembers(state);
  const vector = new Map(delivery.vector);
  const retired = new Map(delivery.retired);
  const skipped = new Map(delivery.skipped);
  const passed = new Map(delivery.passed);
  for (const stream of returning) {
    vector.set(stream, retired.get(stream) ?? 0);
    retired.delete(stream);
  }
  for (const stream of leaving) {
    // Newest last: a stream retired again moves to the end.
    retired.delete(stream);
    retired.set(stream, vector.get(stream) ?? 0);
    vector.delete(stream);
  }
  trimOldest(retired, MAX_RETIRED);
  // What a start or a gap moved past stays known (deps claim only what was delivered).
  trimOldest(skipped, MAX_RETIRED);
  // What was passed over stays shown when it comes (a retired stream too), within the bound.
  trimOldest(passed, MAX_RETIRED);
  const next = { ...delivery, vector, retired, skipped, passed };
  return forgetQuitMembers(withChat(state, { delivery: next }));
}
