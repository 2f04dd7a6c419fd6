import type { Observable, OperatorFunction } from 'rxjs';
import { mergeMap, scan } from 'rxjs';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import type { NodeState } from './state.js';
import type { Step } from './step.js';
import { step } from './step.js';

/**
 * The merged event stream in, the effects out: `scan` folds the events through
 * the pure `step`, keeping the peer set and everything else in one state.
 */
export function chatLoop(initial: NodeState): OperatorFunction<NodeEvent, Effect> {
  return (event$: Observable<NodeEvent>) =>
    event$.pipe(
      scan((previous: Step, event: NodeEvent) => step(previous.state, event), {
        state: initial,
        effects: [],
      }),
      mergeMap((result) => result.effects),
    );
}
