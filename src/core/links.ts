import { withEntry, withoutEntry, withoutMember } from './collections.js';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import { helloFrame } from './handshake.js';
import { linkRef } from './labels.js';
import { memberLost } from './member-life.js';
import { presentHint } from './overlay.js';
import { dialEnded, endedUnjoined } from './refusal.js';
import { initialFailed } from './retry.js';
import { helloSeen } from './signing.js';
import type { Link, NodeState } from './state.js';
import { withDialer } from './state.js';

/** Connections coming and going, before and after they carry a member. */

/** A connection is up: say hello, with a fresh nonce; the peer's proof must sign both. */
export function onLinkUp(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'linkUp' }>,
  out: Effect[],
): NodeState {
  const hello = helloFrame(state.config, event.nonce, state.announcement, presentHint(state));
  const link: Link = {
    id: event.link,
    remote: event.remote,
    direction: event.direction,
    openedAt: event.at,
    sent: helloSeen(state.config.identity, hello),
    lastHeard: event.at,
    pingHeard: Number.NEGATIVE_INFINITY,
    pongHeard: Number.NEGATIVE_INFINITY,
    ...(event.target === undefined ? {} : { target: event.target }),
    ...(event.purpose === undefined ? {} : { purpose: event.purpose }),
    ...(event.binding === undefined ? {} : { binding: event.binding }),
  };
  const dialing =
    event.target === undefined
      ? state.dialer.dialing
      : withoutMember(state.dialer.dialing, event.target);
  out.push({ kind: 'send', links: [link.id], frame: hello });
  return { ...withDialer(state, { dialing }), links: withEntry(state.links, link.id, link) };
}

export function onDialFailed(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'dialFailed' }>,
  out: Effect[],
): NodeState {
  let next = withDialer(state, { dialing: withoutMember(state.dialer.dialing, event.target) });
  if (event.purpose.kind === 'initial') {
    next = withDialer(next, {
      initialPending: withoutMember(next.dialer.initialPending, event.target),
    });
    return initialFailed(next, event.target, event.reason, event.at, out);
  }
  if (event.purpose.kind === 'gossip') {
    out.push({
      kind: 'warn',
      warning: { code: 'memberUnreachable', target: event.target, reason: event.reason },
      key: `gossip:${event.target}`,
    });
  }
  return dialEnded(next, event.purpose, event.at, out);
}

export function onLinkDown(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'linkDown' }>,
  out: Effect[],
): NodeState {
  const link = state.links.get(event.link);
  if (link === undefined) return state;
  const next: NodeState = { ...state, links: withoutEntry(state.links, link.id) };
  if (link.peer === undefined) {
    const reason = `it closed the connection before the handshake (${event.reason})`;
    return endedUnjoined(next, link, reason, event.at, out);
  }
  const member = next.members.get(link.peer);
  if (member === undefined || member.link !== link.id || member.state !== 'linked') return next;
  if (event.reason !== 'connection closed') {
    out.push({
      kind: 'warn',
      warning: { code: 'linkLost', link: linkRef(state, link), reason: event.reason },
      key: `lost:${link.remote}`,
    });
  }
  return memberLost(next, member, event.at, out);
}

export function onBadInput(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'badInput' }>,
  out: Effect[],
): NodeState {
  const link = state.links.get(event.link);
  if (link === undefined) return state;
  const closing = event.fatal || link.peer === undefined;
  out.push({
    kind: 'warn',
    warning: {
      code: 'badInput',
      link: linkRef(state, link),
      problem: event.problem,
      closed: closing,
    },
    key: `${link.remote}:${event.problem}`,
  });
  if (closing) out.push({ kind: 'close', link: link.id, graceful: false });
  return state;
}
