import { nextRandom } from './backoff.js';
import { memberShed } from './bounded-member.js';
import { dialMember, wasShed } from './dial-heard.js';
import type { Effect } from './effect.js';
import { mayDialHeard, stateAfter } from './member-life.js';
import type { Member, NodeState } from './state.js';
import { withDialer } from './state.js';
import { isVouched } from './vouching.js';

/**
 * The overlay: how many links this node keeps open (its active view), and
 * how it keeps that many as members come and go. Up to FULL_MESH_UP_TO
 * members present, every meshing member links with every other (a full
 * mesh); above it, or with --links, each node keeps about `linksTarget`
 * links: it dials members it knows of at random while it has fewer (those
 * present and not linked are its passive view), and sheds one (`bye`
 * `shed`) while it has more than SHED_ABOVE beyond it, as HyParView keeps
 * its active view (Leitão et al., 2007).
 */

/** Members present (this node included) up to which the default is a full mesh. */
export const FULL_MESH_UP_TO = 24;

/** Links beyond the target a node holds before it sheds one. */
export const SHED_ABOVE = 1;

/** How long a node that was shed does not dial the one that shed it, so two nodes do not trade one link. */
export const SHED_MEMORY_MS = 10_000;

/** How often the refill may dial, at most, while this node has fewer links than its target. */
export const REFILL_EVERY_MS = 100;

/** Members present as this node counts them: itself, and those linked, connecting or known. */
export function presentCount(state: NodeState): number {
  let count = 1;
  for (const member of state.members.values())
    if (member.state === 'linked' || member.state === 'connecting' || member.state === 'known')
      count += 1;
  return count;
}

/**
 * The links this node keeps open: --links (`all`: a full mesh, Infinity), or
 * a full mesh up to FULL_MESH_UP_TO members present, then ⌈log₂ N⌉ + 2.
 */
export function linksTarget(state: NodeState): number {
  if (!state.config.mesh) return Number.POSITIVE_INFINITY;
  if (state.config.links !== undefined) return state.config.links;
  const present = presentCount(state);
  return present <= FULL_MESH_UP_TO ? Number.POSITIVE_INFINITY : Math.ceil(Math.log2(present)) + 2;
}

/**
 * What this node's hello says of the members present while links are
 * bounded (see member-join.ts): its count, or 1 with no link at all (what
 * it holds then may be out of date).
 */
export function presentHint(state: NodeState): number | undefined {
  if (!isBounded(state)) return undefined;
  return linkedCount(state).linked === 0 ? 1 : presentCount(state);
}

/** Whether this node keeps a bounded number of links (not a full mesh). */
export function isBounded(state: NodeState): boolean {
  return linksTarget(state) !== Number.POSITIVE_INFINITY;
}

function linkedCount(state: NodeState): { linked: number; connecting: number } {
  let linked = 0;
  let connecting = 0;
  for (const member of state.members.values()) {
    if (member.state === 'linked') linked += 1;
    else if (member.state === 'connecting') connecting += 1;
  }
  return { linked, connecting };
}

/**
 * Members the refill may dial now: present, meshing, not shed lately, with
 * dials left (with no link at all, any member known: nobody is reached then).
 */
function refillCandidates(state: NodeState, at: number): Member[] {
  const alone = linkedCount(state).linked === 0;
  return [...state.members.values()].filter(
    (member) =>
      member.state === 'known' &&
      member.mesh &&
      (alone || isVouched(state, member.id)) &&
      !wasShed(member, at) &&
      mayDialHeard(state.dialer.dialing, member.address, member.dialAttempts ?? 0),
  );
}

/** When the refill or the shedding is next due: while this node has fewer or more links than it keeps. */
export function overlayDue(state: NodeState): number | undefined {
  if (!isBounded(state) || state.leaving.phase !== 'staying') return undefined;
  const target = linksTarget(state);
  const { linked, connecting } = linkedCount(state);
  const next = (state.dialer.refilledAt ?? Number.NEGATIVE_INFINITY) + REFILL_EVERY_MS;
  if (linked > target + SHED_ABOVE) {
    // Due once a link that may go is old enough to (SHED_MIN_AGE_MS).
    const pool = sheddable(state, Number.POSITIVE_INFINITY);
    if (pool.length === 0) return undefined;
    const oldEnough = Math.min(...pool.map((m) => (m.linkedAt ?? 0) + SHED_MIN_AGE_MS));
    return Math.max(next, oldEnough);
  }
  if (linked + connecting >= target) return undefined;
  return refillCandidates(state, next).length > 0 ? next : undefined;
}

/** Dials members heard of at random while short of the target; sheds one link while over it. */
export function keepOverlay(state: NodeState, at: number, out: Effect[]): NodeState {
  const due = overlayDue(state);
  if (due === undefined || at < due) return state;
  const target = linksTarget(state);
  const { linked, connecting } = linkedCount(state);
  let next = withDialer(state, { refilledAt: at });
  if (linked > target + SHED_ABOVE) return shedOne(next, at, out);
  const candidates = refillCandidates(next, at);
  let rng = next.dialer.rng;
  let dialing = next.dialer.dialing;
  const members = new Map(next.members);
  for (let wanted = target - linked - connecting; wanted > 0 && candidates.length > 0; wanted--) {
    const draw = nextRandom(rng);
    rng = draw.seed;
    const [member] = candidates.splice(Math.floor(draw.value * candidates.length), 1);
    if (member === undefined || stateAfter(member, 'dialled') === undefined) continue;
    if (!mayDialHeard(dialing, member.address, 0)) continue;
    dialing = dialMember(members, dialing, member, out);
  }
  next = { ...next, members };
  return withDialer(next, { rng, dialing });
}

/** A link younger than this is not shed: the views of a new link take a moment to arrive. */
export const SHED_MIN_AGE_MS = 1000;

/**
 * Who may be shed: linked members linked for SHED_MIN_AGE_MS that say they
 * have more links than this node keeps (they stay well linked without this
 * one); or, while this node has twice its target, any that has another link.
 * One at random of them, so that members trimming at once do not all shed
 * the same one (a member left short dials another, not this one: SHED_MEMORY_MS).
 */
function sheddable(state: NodeState, at: number): Member[] {
  const target = linksTarget(state);
  const old = [...state.members.values()].filter(
    (member) =>
      member.state === 'linked' &&
      member.link !== undefined &&
      // A --no-mesh member linked only with those it names or that name it: never shed.
      member.mesh &&
      (member.linkedAt ?? 0) + SHED_MIN_AGE_MS <= at,
  );
  const spare = old.filter((member) => (member.peers?.size ?? 0) > target);
  if (spare.length > 0 || linkedCount(state).linked <= 2 * target) return spare;
  // Never one whose only link this is: it would be cut off until it dials again.
  return old.filter((member) => (member.peers?.size ?? 0) >= 2);
}

function shedOne(state: NodeState, at: number, out: Effect[]): NodeState {
  const pool = sheddable(state, at);
  const draw = nextRandom(state.dialer.rng);
  const victim = pool[Math.floor(draw.value * pool.length)];
  if (victim?.link === undefined) return state;
  out.push({ kind: 'send', links: [victim.link], frame: { type: 'bye', reason: 'shed' } });
  out.push({ kind: 'close', link: victim.link, graceful: true });
  return memberShed(withDialer(state, { rng: draw.seed }), victim, at, out, false);
}
