import { withMember, withoutMember } from './collections.js';
import type { Effect } from './effect.js';
import { EVENTS_VERSION } from './output-event.js';
import type { Link, NodeState } from './state.js';
import { withDialer } from './state.js';

/** The node is up: say so, and dial the peers named on the command line. */
export function onStart(state: NodeState, at: number, out: Effect[]): NodeState {
  const { id, name, port, peers } = state.config;
  out.push({ kind: 'emit', event: { event: 'ready', v: EVENTS_VERSION, port, id, user: name } });
  let next = state;
  for (const target of peers) {
    if (next.dialer.dialing.has(target)) continue;
    out.push({ kind: 'dial', target, purpose: { kind: 'initial' } });
    next = withDialer(next, {
      dialing: withMember(next.dialer.dialing, target),
      initialPending: withMember(next.dialer.initialPending, target),
    });
  }
  return { ...next, liveness: { ...next.liveness, lastPingAt: at } };
}

/** An initial dial has an outcome: lines typed meanwhile may go out. */
export function settleInitial(state: NodeState, link: Link): NodeState {
  if (link.purpose?.kind !== 'initial' || link.target === undefined) return state;
  return withDialer(state, {
    initialPending: withoutMember(state.dialer.initialPending, link.target),
  });
}
