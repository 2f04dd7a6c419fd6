import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { Observable as RxObservable } from 'rxjs';
import type { NodeEvent } from './event.js';

/**
 * A deadline already due at the last tick (a rule that could not act then)
 * is tried again this much later, never at once: a rule that stays due costs
 * at most one wake-up per RETRY_MS, never a busy loop.
 */
export const RETRY_MS = 50;

/**
 * The clock as a source that sleeps: it is told the core's next deadline
 * after every step and keeps one timer on `scheduler`, for the earliest
 * deadline it was told; when that comes it sends one `tick`. A later deadline
 * leaves the timer as it is (the tick then finds nothing due and the next
 * deadline is set), so a busy node does not reschedule on every event.
 */
export function alarm(
  deadline$: Observable<number | undefined>,
  scheduler: SchedulerLike,
): Observable<NodeEvent> {
  return new RxObservable<NodeEvent>((subscriber) => {
    let pending: Subscription | undefined;
    let pendingAt = Number.POSITIVE_INFINITY;
    let lastTickAt = Number.NEGATIVE_INFINITY;
    const ring = (): void => {
      pending = undefined;
      pendingAt = Number.POSITIVE_INFINITY;
      lastTickAt = scheduler.now();
      subscriber.next({ kind: 'tick', at: lastTickAt });
    };
    const deadlines = deadline$.subscribe((due) => {
      if (due === undefined) return;
      const at = due <= lastTickAt ? lastTickAt + RETRY_MS : due;
      if (at >= pendingAt) return;
      pending?.unsubscribe();
      pendingAt = at;
      pending = scheduler.schedule(ring, Math.max(0, at - scheduler.now()));
    });
    return () => {
      deadlines.unsubscribe();
      pending?.unsubscribe();
    };
  });
}
