import type { PongFrame } from '../protocol/frames.js';
import { streamOf } from '../protocol/frames.js';
import { withEntry, withoutEntry } from './collections.js';
import { doneOf } from './delivery.js';
import { digestOf } from './digest.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { linkRef } from './labels.js';
import { destroyLink } from './link-close.js';
import { memberLost } from './member-life.js';
import type { Link, Member, NodeState } from './state.js';

/** Every this many ping intervals a link is pinged even when the peer pings: its RTT stays fresh. */
const RTT_REFRESH_INTERVALS = 10;

/**
 * Whether a linked member needs our ping. Its own pings already keep the link
 * alive in both directions (each side hears the other), so a member that
 * pinged within the interval is not pinged back, unless it has yet to
 * confirm this node's messages (pongs carry that) or its RTT is stale. Of two
 * members at most one side skips, so an idle mesh sends half the frames.
 */
function needsPing(state: NodeState, member: Member, link: Link, at: number): boolean {
  const interval = state.config.pingIntervalMs;
  return (
    at - link.pingHeard >= interval ||
    member.confirmed < state.chat.seq ||
    at - link.pongHeard >= RTT_REFRESH_INTERVALS * interval
  );
}

/** Pings linked members at the ping interval; one frame serves all links. */
function sendPings(state: NodeState, at: number, out: Effect[]): NodeState {
  if (at - state.liveness.lastPingAt < state.config.pingIntervalMs) return state;
  const links: LinkId[] = [];
  for (const member of state.members.values()) {
    const link = member.link === undefined ? undefined : state.links.get(member.link);
    if (member.state === 'linked' && link !== undefined && needsPing(state, member, link, at))
      links.push(link.id);
  }
  if (links.length > 0)
    out.push({ kind: 'send', links, frame: { type: 'ping', t: at, sum: digestOf(state) } });
  return { ...state, liveness: { ...state.liveness, lastPingAt: at } };
}

/** A connection that has not said hello within the handshake timeout is destroyed. */
function expireHandshake(state: NodeState, link: Link, at: number, out: Effect[]): NodeState {
  if (
    link.peer !== undefined ||
    link.closing ||
    at - link.openedAt < state.config.handshakeTimeoutMs
  )
    return state;
  out.push({
    kind: 'warn',
    warning: {
      code: 'noHandshake',
      link: linkRef(state, link),
      timeoutMs: state.config.handshakeTimeoutMs,
    },
    key: `handshake:${link.remote}`,
  });
  return destroyLink(state, link, out);
}

/** A member silent for the peer timeout is lost, frozen or gone alike. */
function expireSilence(state: NodeState, link: Link, at: number, out: Effect[]): NodeState {
  if (state.liveness.readingHeldSince !== undefined) return state;
  if (link.peer === undefined || at - link.lastHeard < state.config.peerTimeoutMs) return state;
  const member = state.members.get(link.peer);
  if (member?.link !== link.id) return state;
  out.push({ kind: 'close', link: link.id, graceful: false });
  return memberLost({ ...state, links: withoutEntry(state.links, link.id) }, member, at, out);
}

/** A member whose duplicate link went away and whose preferred link never came. */
function expireSwaps(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  for (const member of state.members.values()) {
    if (
      member.swappingSince !== undefined &&
      at - member.swappingSince >= state.config.handshakeTimeoutMs
    ) {
      next = memberLost(next, member, at, out);
    }
  }
  return next;
}

/**
 * When the liveness rules next need the clock: the next ping, a handshake
 * running out, a member's silence reaching the peer timeout, a swap overdue.
 */
export function livenessDue(state: NodeState): number | undefined {
  const { handshakeTimeoutMs, peerTimeoutMs, pingIntervalMs } = state.config;
  const judged = state.liveness.readingHeldSince === undefined;
  let due = Number.POSITIVE_INFINITY;
  let linked = false;
  for (const link of state.links.values()) {
    if (link.closing) continue;
    if (link.peer === undefined) {
      due = Math.min(due, link.openedAt + handshakeTimeoutMs);
      continue;
    }
    if (state.members.get(link.peer)?.link !== link.id) continue;
    linked = true;
    if (judged) due = Math.min(due, link.lastHeard + peerTimeoutMs);
  }
  if (linked) due = Math.min(due, state.liveness.lastPingAt + pingIntervalMs);
  for (const member of state.members.values())
    if (member.swappingSince !== undefined)
      due = Math.min(due, member.swappingSince + handshakeTimeoutMs);
  return due === Number.POSITIVE_INFINITY ? undefined : due;
}

export function checkLiveness(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  for (const link of state.links.values()) {
    next = expireHandshake(next, link, at, out);
    next = expireSilence(next, link, at, out);
  }
  next = expireSwaps(next, at, out);
  return sendPings(next, at, out);
}

/**
 * Reading held (stdout fell behind) or released. Links are not read while
 * held, so that time does not count as their silence: on release each link's
 * silence resumes where it stood when the hold began.
 */
export function holdReading(state: NodeState, held: boolean, at: number): NodeState {
  const since = state.liveness.readingHeldSince;
  if (held)
    return since === undefined
      ? { ...state, liveness: { ...state.liveness, readingHeldSince: at } }
      : state;
  if (since === undefined) return state;
  const { readingHeldSince: _since, ...liveness } = state.liveness;
  const links = new Map(state.links);
  for (const link of state.links.values())
    links.set(link.id, { ...link, lastHeard: Math.min(at, link.lastHeard + (at - since)) });
  return { ...state, liveness, links };
}

export function onPong(
  state: NodeState,
  link: Link,
  t: number,
  seen: number | undefined,
  at: number,
): NodeState {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  if (member === undefined) return state;
  const confirmed = Math.min(state.chat.seq, Math.max(member.confirmed, seen ?? 0));
  const rttMs = t <= at ? at - t : member.rttMs;
  const updated = { ...member, confirmed, ...(rttMs === undefined ? {} : { rttMs }) };
  return { ...state, members: withEntry(state.members, member.id, updated) };
}

/** Answers a ping with how many of the pinger's messages this node has delivered. */
export function pongFor(
  state: NodeState,
  link: Link,
  t: number,
  sum: number = digestOf(state),
): PongFrame {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  if (member?.inc === undefined) return { type: 'pong', t, sum };
  return {
    type: 'pong',
    t,
    seen: doneOf(
      state.chat.delivery.vector,
      state.chat.delivery.retired,
      streamOf(member.id, member.inc),
    ),
    sum,
  };
}
