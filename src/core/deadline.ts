import { leavingDue } from './leaving.js';
import type { NodeState } from './state.js';
import { TIMED_RULES } from './timed-rules.js';

/**
 * The earliest time at which a rule of the core needs the clock, if any: the
 * clock source sleeps until then and sends one `tick`. Each rule that waits
 * on time says when, in the module that holds it (listed in TIMED_RULES).
 */
export function nextDeadline(state: NodeState): number | undefined {
  // After the goodbye only the close wait counts (see whileClosing).
  const { phase } = state.leaving;
  if (phase === 'closing' || phase === 'left') return leavingDue(state);
  let due: number | undefined;
  const earliest = (at: number | undefined): void => {
    if (at !== undefined && (due === undefined || at < due)) due = at;
  };
  for (const rule of TIMED_RULES) earliest(rule.due(state));
  earliest(leavingDue(state));
  return due;
}
