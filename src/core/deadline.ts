import { overdueAt } from './delivery-gaps.js';
import { gossipDue } from './gossip.js';
import { leavingDue } from './leaving.js';
import { stallDue } from './link-pressure.js';
import { livenessDue } from './liveness.js';
import { redialDue } from './redial.js';
import type { NodeState } from './state.js';

/**
 * The earliest time at which a rule of the core needs the clock, if any: the
 * clock source sleeps until then and sends one `tick`. Each rule that waits
 * on time says when, in the module that holds it.
 */
export function nextDeadline(state: NodeState): number | undefined {
  // After the goodbye only the close wait counts (see whileClosing).
  const { phase } = state.leaving;
  if (phase === 'closing' || phase === 'left') return leavingDue(state);
  let due: number | undefined;
  const earliest = (at: number | undefined): void => {
    if (at !== undefined && (due === undefined || at < due)) due = at;
  };
  earliest(livenessDue(state));
  earliest(gossipDue(state));
  earliest(redialDue(state));
  earliest(overdueAt(state.chat.delivery, state.config.gapWaitMs));
  earliest(leavingDue(state));
  earliest(stallDue(state));
  return due;
}
