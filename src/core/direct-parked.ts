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

/** Why a direct message to this node was not opened (see the strangerDirect warning). */
export type StrangerReason = 'left' | 'keys' | 'unannounced' | 'crowded';

/** The member whose link a frame came on, as a warning names it. */
export function viaOf(state: NodeState, from: string | undefined): { via?: Named } {
  const via = from === undefined ? undefined : state.members.get(from);
  return via === undefined ? {} : { via: namedOf(state, via.id, via.name) };
}

function strangerWarning(
  state: NodeState,
  parked: Omit<Parked, 'until' | 'retryAt'>,
  reason: StrangerReason,
): Effect {
  const stream = `${parked.frame.origin}.${parked.frame.inc}`;
  return {
    kind: 'warn',
    warning: { code: 'strangerDirect', stream, reason, ...viaOf(state, parked.from) },
    key: `stranger-dm:${parked.from ?? ''}`,
  };
}

/** Direct messages waiting from one link, at most: one link cannot take every place. */
export const MAX_PARKED_PER_LINK = 8;

/** The parked list with `parked` added, and the one it pushed out (of the link holding most). */
function withParked(
  list: readonly Parked[],
  parked: Parked,
): { readonly list: readonly Parked[]; readonly out?: Parked } {
  const all = [...list, parked];
  const perLink = new Map<string | undefined, number>();
  for (const p of all) perLink.set(p.from, (perLink.get(p.from) ?? 0) + 1);
  const crowded = [...perLink].sort((a, b) => b[1] - a[1])[0];
  const over =
    (perLink.get(parked.from) ?? 0) > MAX_PARKED_PER_LINK
      ? parked.from
      : all.length > MAX_PARKED
        ? crowded?.[0]
        : undefined;
  if (over === undefined && all.length <= MAX_PARKED) return { list: all };
  const at = all.findIndex((p) => p.from === over);
  const out = all[at];
  return out === undefined ? { list: all } : { list: all.filter((_, i) => i !== at), out };
}

/**
 * A direct message to this node from no announced incarnation of a member:
 * kept a while for the announcement when it may still come (one link keeps at
 * most MAX_PARKED_PER_LINK waiting, all at most MAX_PARKED; a copy of one
 * waiting is not kept twice), else dropped with one warning per link.
 */
export function park(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  at: number,
  out: Effect[],
): NodeState {
  const arrived = from === undefined ? { frame } : { frame, from };
  const member = state.members.get(frame.origin);
  if (member?.ann?.inc === frame.inc) {
    out.push(strangerWarning(state, arrived, member.state === 'quit' ? 'left' : 'keys'));
    return state;
  }
  const { origin, inc, n } = frame;
  const copy = state.direct.parked.some(
    (p) => p.frame.origin === origin && p.frame.inc === inc && p.frame.n === n,
  );
  if (copy) return state;
  const added = withParked(state.direct.parked, {
    ...arrived,
    until: at + PARK_MS,
    retryAt: at + RETRY_MS,
  });
  if (added.out !== undefined) out.push(strangerWarning(state, added.out, 'crowded'));
  return withDirect(state, { parked: added.list });
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
 * PARK_MS are dropped with the warning; the rest wait on. With `origin`, only
 * that sender's, at once (one of its messages just arrived announced: those
 * before it go first).
 */
export function unpark(
  state: NodeState,
  at: number,
  out: Effect[],
  origin?: string,
): { readonly state: NodeState; readonly ready: readonly Parked[] } {
  const due = parkedDue(state);
  if (origin !== undefined) {
    const ready = state.direct.parked.filter((p) => p.frame.origin === origin);
    if (ready.length === 0) return { state, ready };
    const parked = state.direct.parked.filter((p) => p.frame.origin !== origin);
    return { state: withDirect(state, { parked }), ready };
  }
  if (due === undefined || due > at) return { state, ready: [] };
  const ready: Parked[] = [];
  const waiting: Parked[] = [];
  for (const parked of state.direct.parked) {
    if (Math.min(parked.retryAt, parked.until) > at) waiting.push(parked);
    else if (isAnnounced(state, parked.frame)) ready.push(parked);
    else if (at >= parked.until) out.push(strangerWarning(state, parked, 'unannounced'));
    else waiting.push({ ...parked, retryAt: at + RETRY_MS });
  }
  return { state: withDirect(state, { parked: waiting }), ready };
}
