import type { DirectFrame } from '../protocol/frames.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import type { NodeState } from './state.js';
import { withDirect } from './state.js';
import type { Named } from './warning.js';

/** Direct messages to this node waiting for their sender's announcement, at most. */
export const MAX_PARKED = 32;
/** How long one waits for it: gossip of a join is held back 50 ms (see gossip.ts). */
export const PARK_MS = 2000;
/** How often a waiting one is looked at again. */
const RETRY_MS = 100;

/** A direct message to this node from an incarnation it has not heard announced yet. */
export interface Parked {
  readonly frame: DirectFrame;
  /** The member whose link it came on. */
  readonly from?: string;
  readonly until: number;
  readonly retryAt: number;
}

/**
 * True when a direct message comes from the incarnation of a member this node
 * knows, with the keys it announced: only those are opened, so that the
 * numbers kept are those of members (bounded), and an incarnation that left
 * cannot be made to write again.
 */
export function isAnnounced(state: NodeState, frame: DirectFrame): boolean {
  const member = state.members.get(frame.origin);
  const ann = member?.ann;
  if (member === undefined || member.state === 'quit' || ann === undefined) return false;
  return ann.inc === frame.inc && ann.dh === frame.dh && ann.key === frame.key;
}

/**
 * True when its sender's announcement may still come: this node knows no
 * such incarnation (it may have written the moment it heard of this node,
 * before gossip of it reached here). Not when it knows that one otherwise.
 */
function mayBeAnnounced(state: NodeState, frame: DirectFrame): boolean {
  return state.members.get(frame.origin)?.ann?.inc !== frame.inc;
}

function strangerWarning(state: NodeState, parked: Omit<Parked, 'until' | 'retryAt'>): Effect {
  const via = parked.from === undefined ? undefined : state.members.get(parked.from);
  const link: { via?: Named } = via === undefined ? {} : { via: namedOf(state, via.id, via.name) };
  const stream = `${parked.frame.origin}.${parked.frame.inc}`;
  return {
    kind: 'warn',
    warning: { code: 'strangerDirect', stream, ...link },
    key: `stranger-dm:${parked.from ?? ''}`,
  };
}

/**
 * A direct message to this node from no announced incarnation of a member:
 * kept a while for the announcement when it may still come (the oldest kept
 * one goes when MAX_PARKED wait), else dropped with one warning per link.
 */
export function park(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  at: number,
  out: Effect[],
): NodeState {
  const arrived = from === undefined ? { frame } : { frame, from };
  if (!mayBeAnnounced(state, frame)) {
    out.push(strangerWarning(state, arrived));
    return state;
  }
  const parked = [
    ...state.direct.parked,
    { ...arrived, until: at + PARK_MS, retryAt: at + RETRY_MS },
  ];
  const [oldest] = parked;
  if (parked.length > MAX_PARKED && oldest !== undefined) out.push(strangerWarning(state, oldest));
  return withDirect(state, { parked: parked.slice(-MAX_PARKED) });
}

/** When the waiting direct messages are next looked at. */
export function parkedDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const parked of state.direct.parked) {
    const next = Math.min(parked.retryAt, parked.until);
    if (due === undefined || next < due) due = next;
  }
  return due;
}

/**
 * The waiting direct messages looked at: those whose sender is announced now
 * are handed back (to be received as if they arrived now); those that waited
 * PARK_MS are dropped with the warning; the rest wait on.
 */
export function unpark(
  state: NodeState,
  at: number,
  out: Effect[],
): { readonly state: NodeState; readonly ready: readonly Parked[] } {
  const due = parkedDue(state);
  if (due === undefined || due > at) return { state, ready: [] };
  const ready: Parked[] = [];
  const waiting: Parked[] = [];
  for (const parked of state.direct.parked) {
    if (Math.min(parked.retryAt, parked.until) > at) waiting.push(parked);
    else if (isAnnounced(state, parked.frame)) ready.push(parked);
    else if (at >= parked.until) out.push(strangerWarning(state, parked));
    else waiting.push({ ...parked, retryAt: at + RETRY_MS });
  }
  return { state: withDirect(state, { parked: waiting }), ready };
}
