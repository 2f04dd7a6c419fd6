import { catchUpDue, sendDueHaves } from './catch-up.js';
import { overdueAt } from './delivery-overdue.js';
import { startWindowDue } from './delivery-start.js';
import { dialHeardOf } from './dial-heard.js';
import { parkedDue } from './direct-parked.js';
import { reportUndelivered, undeliveredDue } from './direct-pending.js';
import { receiveParked } from './direct-receive.js';
import type { Effect } from './effect.js';
import { forgetDeparted, forgetLeftMembers, leftDue } from './forget.js';
import { resolveGaps, startStreams } from './gaps.js';
import { flushGossip, gossipDue } from './gossip.js';
import { checkStalls, stallDue } from './link-pressure.js';
import { checkLiveness, livenessDue } from './liveness.js';
import { keepOverlay, overlayDue } from './overlay.js';
import { pullDue, pullMissing } from './pull.js';
import { reachDue, refreshStaleReach } from './reach-later.js';
import { dialDueRedials, redialDue } from './redial.js';
import { dialDueRetries, retryDue } from './retry.js';
import type { NodeState } from './state.js';
import { runTree, treeDue } from './tree.js';
import { dropUnreached, unreachedDue } from './unreached.js';
import { dropLongUnvouched, vouchDue } from './vouching.js';

/** A rule that waits on time: when it is next due, and what it does at a tick. */
export interface TimedRule {
  readonly name: string;
  /** Undefined when it waits for nothing (the clock may sleep for it). */
  due(state: NodeState): number | undefined;
  run(state: NodeState, at: number, out: Effect[]): NodeState;
}

/**
 * Every timed rule, in the order a tick runs them (the leaving rules run
 * after every step, `settle`, and say when they are due in `leavingDue`).
 * The alarm's next deadline is the earliest of their `due`: a rule listed
 * here cannot be left without a wake-up.
 */
export const TIMED_RULES: readonly TimedRule[] = [
  { name: 'gossip held back', due: gossipDue, run: flushGossip },
  { name: 'who is reached, after a change of the views', due: reachDue, run: refreshStaleReach },
  { name: 'pings, handshakes, silence', due: livenessDue, run: checkLiveness },
  { name: 'links that do not read', due: stallDue, run: checkStalls },
  { name: 'members that left, forgotten', due: leftDue, run: forgetLeftMembers },
  { name: 'members nobody vouches for', due: vouchDue, run: dropLongUnvouched },
  { name: 'members nobody reaches, after the grace', due: unreachedDue, run: dropUnreached },
  { name: 'redials', due: redialDue, run: dialDueRedials },
  {
    name: 'direct messages waiting for their sender',
    due: parkedDue,
    run: (state, at, out) => receiveParked(state, at, out),
  },
  {
    name: 'direct messages without a receipt',
    due: undeliveredDue,
    run: (state, at, out) => reportUndelivered(state, at, out),
  },
  { name: 'retries of named peers', due: retryDue, run: dialDueRetries },
  // Rides on whatever tick comes (one per ping interval at least, while linked).
  { name: 'dials of members heard of', due: () => undefined, run: dialHeardOf },
  { name: 'links kept while bounded: refill and shed', due: overlayDue, run: keepOverlay },
  { name: 'the broadcast tree: ihave, graft', due: treeDue, run: runTree },
  {
    name: 'streams started by catch-up',
    due: (state) => startWindowDue(state.chat.delivery),
    run: startStreams,
  },
  { name: 'have frames put off while a joiner catches up', due: catchUpDue, run: sendDueHaves },
  { name: 'pulls of missing messages', due: pullDue, run: pullMissing },
  {
    name: 'gaps',
    due: (state) => overdueAt(state.chat.delivery, state.config.gapWaitMs),
    run: resolveGaps,
  },
  // Memory bounds: nothing waits on them, they ride on whatever tick comes.
  { name: 'forgetting', due: () => undefined, run: (state) => forgetDeparted(state) },
];

/** A tick: every timed rule, in order. */
export function onTick(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  for (const rule of TIMED_RULES) next = rule.run(next, at, out);
  return next;
}
