import type { Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { defer, map, merge, Subject, scan, tap } from 'rxjs';
import { alarm } from './alarm.js';
import { nextDeadline } from './deadline.js';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import type { NodeState } from './state.js';
import type { Step } from './step.js';
import { step } from './step.js';

/**
 * The merged event stream in, each step's effects out (in one array, so a
 * burst of 500 messages costs the sinks one emission, not 500): `scan` folds
 * the events through the pure `step`, keeping the peer set and everything
 * else in one state. Time enters here: after each step the state's next
 * deadline goes to the alarm, which sleeps on `scheduler` until then and adds
 * one `tick`; `soon` runs work once the events at hand are through (a microtask).
 */
export function chatLoop(
  initial: NodeState,
  scheduler: SchedulerLike,
  soon: SchedulerLike,
): OperatorFunction<NodeEvent, readonly Effect[]> {
  return (event$: Observable<NodeEvent>) =>
    defer(() => {
      const deadline$ = new Subject<number | undefined>();
      // The deadline is worked out once a burst of events is through (a read of many frames is
      // many steps), from the state after the last: one look at every timed rule per burst.
      let latest: NodeState | undefined;
      const tell = (): void => {
        const state = latest;
        latest = undefined;
        if (state !== undefined) deadline$.next(nextDeadline(state));
      };
      // The alarm listens first: the deadline of a step run while the sources are subscribed
      // (the start event, or an event a source emits at once) is not lost.
      return merge(alarm(deadline$, scheduler), event$).pipe(
        scan((previous: Step, event: NodeEvent) => step(previous.state, event), {
          state: initial,
          effects: [],
        }),
        tap((result) => {
          if (latest === undefined) soon.schedule(tell);
          latest = result.state;
        }),
        map((result) => result.effects),
      );
    });
}
