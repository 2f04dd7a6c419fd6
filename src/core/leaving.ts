import { sendChat } from './chat.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { labelOf } from './labels.js';
import type { Link, Member, NodeState } from './state.js';

/** Exit code of a second interrupt while leaving. */
export const INTERRUPTED_EXIT_CODE = 130;
/** Exit code when the linger ran out before every member confirmed this node's lines. */
export const UNCONFIRMED_EXIT_CODE = 3;
/** How often a lingering node asks again. */
const CONFIRM_INTERVAL_MS = 200;

/** Asked to leave by /quit, the end of stdin or a signal. A second SIGINT leaves at once. */
export function requestLeave(
  state: NodeState,
  urgent: boolean,
  interrupt: boolean,
  out: Effect[],
): NodeState {
  if (state.leaving.phase === 'staying') return { ...state, leaving: { phase: 'leaving', urgent } };
  if (interrupt) out.push({ kind: 'exit', code: INTERRUPTED_EXIT_CODE, now: true });
  else if (state.leaving.phase === 'leaving' && urgent && !state.leaving.urgent) {
    return { ...state, leaving: { phase: 'leaving', urgent } };
  }
  return state;
}

/** Members that were in the chat with this node and have not confirmed all its lines. */
export function unconfirmed(state: NodeState): Member[] {
  if (state.seq === 0) return [];
  return [...state.members.values()].filter(
    (member) =>
      (member.state === 'linked' || member.state === 'lost') && member.confirmed < state.seq,
  );
}

/** Asks every linked member that owes a confirmation: a ping, answered by a pong with `seen`. */
function askForConfirmation(state: NodeState, at: number, out: Effect[]): NodeState {
  const links = unconfirmed(state).flatMap((member) =>
    member.state === 'linked' && member.link !== undefined ? [member.link] : [],
  );
  if (links.length > 0) out.push({ kind: 'send', links, frame: { type: 'ping', t: at } });
  return { ...state, lastPingAt: at };
}

function goodbye(state: NodeState, code: number, out: Effect[]): NodeState {
  const links = [...state.links.values()]
    .filter((link) => link.peer !== undefined)
    .map((link) => link.id);
  if (links.length > 0) out.push({ kind: 'send', links, frame: { type: 'bye', reason: 'quit' } });
  out.push({ kind: 'exit', code, now: false });
  return { ...state, leaving: { phase: 'left' } };
}

/**
 * Runs after every event: sends held lines once the initial dials settled, and
 * completes a requested leave: the held lines, a wait (at most the linger) for
 * every member to confirm them, then a goodbye to every member.
 */
export function settle(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  const dialsSettled = next.initialPending.size === 0;
  const leaving = next.leaving;
  if (next.held.length > 0 && (dialsSettled || (leaving.phase === 'leaving' && leaving.urgent))) {
    next = { ...sendChat(next, next.held, at, out), held: [] };
  }
  if (leaving.phase === 'leaving' && (dialsSettled || leaving.urgent)) {
    if (unconfirmed(next).length === 0) return goodbye(next, 0, out);
    next = { ...next, leaving: { phase: 'lingering', deadline: at + next.config.lingerMs } };
    return askForConfirmation(next, at, out);
  }
  if (leaving.phase === 'lingering') {
    const owing = unconfirmed(next);
    if (owing.length === 0) return goodbye(next, 0, out);
    if (at >= leaving.deadline) {
      const names = owing.map((member) => labelOf(next, member.id, member.name)).join(', ');
      out.push({
        kind: 'warn',
        text: `not confirmed within ${next.config.lingerMs} ms by: ${names}; they may have missed some of this node's ${next.seq} line(s)`,
      });
      return goodbye(next, UNCONFIRMED_EXIT_CODE, out);
    }
    if (at - next.lastPingAt >= CONFIRM_INTERVAL_MS) return askForConfirmation(next, at, out);
  }
  return next;
}

/** A member said goodbye: show it left; it is never redialled. */
export function onBye(state: NodeState, link: Link, out: Effect[]): NodeState {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  if (member === undefined) return state;
  if (member.link !== link.id && member.state === 'linked') return state;
  const { link: _link, ...rest } = member;
  if (member.state === 'linked') {
    out.push({
      kind: 'emit',
      event: { event: 'leave', user: member.name, id: member.id, reason: 'quit' },
      label: labelOf(state, member.id, member.name),
    });
  }
  return { ...state, members: withEntry(state.members, member.id, { ...rest, state: 'quit' }) };
}
