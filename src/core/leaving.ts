import { sendChat } from './chat.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { labelOf } from './labels.js';
import type { Link, NodeState } from './state.js';

/** Exit code of a second interrupt while leaving. */
export const INTERRUPTED_EXIT_CODE = 130;

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

/**
 * Runs after every event: sends held lines once the initial dials settled, and
 * completes a requested leave: the held lines, then a goodbye to every member.
 */
export function settle(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  const dialsSettled = next.initialPending.size === 0;
  const leaving = next.leaving;
  if (next.held.length > 0 && (dialsSettled || (leaving.phase === 'leaving' && leaving.urgent))) {
    next = { ...sendChat(next, next.held, at, out), held: [] };
  }
  if (leaving.phase === 'leaving' && (dialsSettled || leaving.urgent)) {
    const links = [...next.links.values()]
      .filter((link) => link.peer !== undefined)
      .map((link) => link.id);
    if (links.length > 0) out.push({ kind: 'send', links, frame: { type: 'bye', reason: 'quit' } });
    out.push({ kind: 'exit', code: 0, now: false });
    next = { ...next, leaving: { phase: 'left' } };
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
