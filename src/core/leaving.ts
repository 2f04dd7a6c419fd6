import type { ByeFrame } from '../protocol/frames.js';
import { goodbyeText } from './announcement.js';
import { withoutEntry } from './collections.js';
import { askRoom } from './confirm.js';
import { reportUndelivered } from './direct-pending.js';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import { namedOf } from './labels.js';
import { owing, UNHEARD_EXIT_CODE, verdictWhenConfirmed } from './outcome.js';
import { isBounded } from './overlay.js';
import type { NodeState } from './state.js';
import { withChat } from './state.js';

/** Where the node is in leaving. */
export type Leaving =
  | { readonly phase: 'staying' }
  /** Asked to leave; waits for the initial dials unless `urgent`. */
  | { readonly phase: 'leaving'; readonly urgent: boolean }
  /** Lines are out; waiting (until `deadline`) for the members to confirm them, and for receipts. */
  | { readonly phase: 'lingering'; readonly deadline: number; readonly urgent: boolean }
  /** `bye` sent and every link ending: exits with `code` once all are down, or at `until`. */
  | { readonly phase: 'closing'; readonly code: number; readonly until: number }
  | { readonly phase: 'left' };

/** Exit code of a second interrupt while leaving. */
export const INTERRUPTED_EXIT_CODE = 130;
/** How often a lingering node asks again. */
const CONFIRM_INTERVAL_MS = 200;
/** How long a node that said goodbye waits for its links to close before it exits anyway. */
export const CLOSE_WAIT_MS = 500;

/** Asked to leave by /quit, the end of stdin or a signal. A second SIGINT leaves at once. */
export function requestLeave(
  state: NodeState,
  urgent: boolean,
  interrupt: boolean,
  out: Effect[],
): NodeState {
  if (state.leaving.phase === 'staying') return { ...state, leaving: { phase: 'leaving', urgent } };
  if (interrupt) return exit(state, INTERRUPTED_EXIT_CODE, true, out);
  // A signal after the end of stdin: what still waits for the dials goes out at once.
  const leaving = state.leaving;
  if ((leaving.phase === 'leaving' || leaving.phase === 'lingering') && urgent && !leaving.urgent)
    return { ...state, leaving: { ...leaving, urgent } };
  return state;
}

/** Asks every member that owes a confirmation: a linked one by a ping (its pong says `seen`), the others by an `ask`. */
function askForConfirmation(state: NodeState, at: number, out: Effect[]): NodeState {
  const links = owing(state).flatMap((member) =>
    member.state === 'linked' && member.link !== undefined ? [member.link] : [],
  );
  if (links.length > 0) out.push({ kind: 'send', links, frame: { type: 'ping', t: at } });
  const pinged = { ...state, liveness: { ...state.liveness, lastPingAt: at } };
  // Members it is not linked with (links bounded) are asked through the others.
  const far = isBounded(state) && owing(state).some((member) => member.state !== 'linked');
  return far ? askRoom(pinged, at, out) : pinged;
}

/** The last effect: the stream of effects ends with it, and the node with `code`. */
function exit(state: NodeState, code: number, now: boolean, out: Effect[]): NodeState {
  out.push({ kind: 'exit', code, now });
  return { ...state, leaving: { phase: 'left' } };
}

/** Every present member confirmed: exit 0, or 3 if nobody was there or a line was refused. */
function confirmedGoodbye(state: NodeState, at: number, out: Effect[]): NodeState {
  const verdict = verdictWhenConfirmed(state);
  if (verdict.warning !== undefined) out.push({ kind: 'warn', warning: verdict.warning });
  return goodbye(state, verdict.code, at, out);
}

/** This incarnation's goodbye, signed: its peers pass it on, so that all know it quit. */
function signedGoodbye(state: NodeState): ByeFrame {
  const { identity, id, incarnation } = state.config;
  return { type: 'bye', reason: 'quit', sig: identity.sign(goodbyeText(id, incarnation)) };
}

/** Says goodbye to every member and ends every link; exits once they are down (or soon after). */
function goodbye(state: NodeState, code: number, at: number, out: Effect[]): NodeState {
  const members: number[] = [];
  for (const link of state.links.values()) if (link.peer !== undefined) members.push(link.id);
  if (members.length > 0) out.push({ kind: 'send', links: members, frame: signedGoodbye(state) });
  for (const link of state.links.values())
    out.push({ kind: 'close', link: link.id, graceful: true });
  // The links' ends are what the node now waits for: read them even if stdout is behind (for at
  // most the close wait).
  if (state.liveness.readingHeldSince !== undefined) out.push({ kind: 'holdReading', held: false });
  const closing: NodeState = {
    ...state,
    leaving: { phase: 'closing', code, until: at + CLOSE_WAIT_MS },
  };
  return state.links.size === 0 ? exit(closing, code, false, out) : closing;
}

/**
 * After the goodbye only the links' ends matter: the node exits when the last
 * link is down, or when the close wait ran out; a SIGINT exits at once.
 */
export function whileClosing(state: NodeState, event: NodeEvent, out: Effect[]): NodeState {
  const leaving = state.leaving;
  if (event.kind === 'signal' && event.signal === 'SIGINT')
    return exit(state, INTERRUPTED_EXIT_CODE, true, out);
  if (leaving.phase !== 'closing') return state;
  switch (event.kind) {
    case 'linkDown': {
      if (!state.links.has(event.link)) return state;
      const next = { ...state, links: withoutEntry(state.links, event.link) };
      return next.links.size === 0 ? exit(next, leaving.code, false, out) : next;
    }
    case 'linkUp':
      // A connection that arrived too late: not a link of this node any more.
      out.push({ kind: 'close', link: event.link, graceful: false });
      return state;
    case 'tick':
      return event.at >= leaving.until ? exit(state, leaving.code, false, out) : state;
    default:
      return state;
  }
}

/** When the leaving rules next need the clock: the linger's deadline, the next ask, the close wait. */
export function leavingDue(state: NodeState): number | undefined {
  const leaving = state.leaving;
  if (leaving.phase === 'closing') return leaving.until;
  if (leaving.phase !== 'lingering') return undefined;
  return Math.min(leaving.deadline, state.liveness.lastPingAt + CONFIRM_INTERVAL_MS);
}

/**
 * Runs after every event: sends held lines once the initial dials settled, and
 * completes a requested leave: the held lines, a wait (at most the linger) for
 * every member to confirm them, then a goodbye to every member.
 */
export function settle(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  const leaving = next.leaving;
  // Exited: `exit` stays the last effect.
  if (leaving.phase === 'left') return next;
  // Asked to leave: the linger starts at once, even with the initial dials pending (the input
  // that waits for them goes to whoever links within it).
  if (leaving.phase === 'leaving') {
    const waiting = next.chat.waiting.length > 0 || next.direct.pending.size > 0;
    if (owing(next).length === 0 && !waiting) return confirmedGoodbye(next, at, out);
    next = {
      ...next,
      leaving: { phase: 'lingering', deadline: at + next.config.lingerMs, urgent: leaving.urgent },
    };
    return askForConfirmation(next, at, out);
  }
  if (leaving.phase === 'lingering') {
    const owed = owing(next);
    const waiting = next.chat.waiting.length;
    // Direct messages still without a receipt at the linger's end are reported not delivered.
    if (at >= leaving.deadline) next = reportUndelivered(next, at, out, true);
    const receipts = next.direct.pending.size;
    if (owed.length === 0 && waiting === 0 && receipts === 0)
      return confirmedGoodbye(next, at, out);
    if (at >= leaving.deadline && owed.length === 0) {
      // The dials never settled: what waited for them was never sent, so nobody heard it.
      const unheard = next.chat.unheard + waiting;
      return confirmedGoodbye(withChat(next, { waiting: [], unheard }), at, out);
    }
    if (at >= leaving.deadline) {
      out.push({
        kind: 'warn',
        warning: {
          code: 'unconfirmed',
          lingerMs: next.config.lingerMs,
          members: owed.map((member) => namedOf(next, member.id, member.name)),
          lines: next.chat.seq,
        },
      });
      return goodbye(next, UNHEARD_EXIT_CODE, at, out);
    }
    if (at - next.liveness.lastPingAt >= CONFIRM_INTERVAL_MS)
      return askForConfirmation(next, at, out);
  }
  return next;
}
