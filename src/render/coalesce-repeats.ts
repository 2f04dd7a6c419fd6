import type { OperatorFunction, SchedulerLike } from 'rxjs';
import {
  asyncScheduler,
  count,
  filter,
  groupBy,
  map,
  merge,
  mergeMap,
  skip,
  take,
  timer,
} from 'rxjs';

export interface Warning {
  readonly text: string;
  /** Warnings with the same key are one kind of warning; the text is used when absent. */
  readonly key?: string;
}

/**
 * Prints the first of a burst of like warnings at once, then, at the end of a
 * window, one line counting the rest, so a peer sending junk in every frame
 * cannot flood stderr.
 */
export function coalesceRepeats(
  windowMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<Warning, string> {
  return (warning$) =>
    warning$.pipe(
      groupBy((warning) => warning.key ?? warning.text, {
        duration: () => timer(windowMs, scheduler),
      }),
      mergeMap((group) => {
        let first = '';
        return merge(
          group.pipe(
            take(1),
            map((warning) => {
              first = warning.text;
              return first;
            }),
          ),
          group.pipe(
            skip(1),
            count(),
            filter((repeats) => repeats > 0),
            map((repeats) => `${first} (and ${repeats} more like it)`),
          ),
        );
      }),
    );
}
