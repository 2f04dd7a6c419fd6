import type { Observable, SchedulerLike } from 'rxjs';
import { asyncScheduler, interval, map } from 'rxjs';
import type { NodeEvent } from '../core/event.js';

/** The clock as events: liveness, timeouts and redials are decided on ticks. */
export function tick$(
  periodMs: number,
  clock: () => number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<NodeEvent> {
  return interval(periodMs, scheduler).pipe(map((): NodeEvent => ({ kind: 'tick', at: clock() })));
}
