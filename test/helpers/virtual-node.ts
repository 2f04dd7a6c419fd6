import {
  delay,
  filter,
  map,
  merge,
  mergeAll,
  Observable,
  Subject,
  share,
  takeUntil,
  timer,
} from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { chatLoop } from '../../src/core/chat-loop.js';
import type { NodeConfig } from '../../src/core/config.js';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { initialState } from '../../src/core/state.js';

export type DialEffect = Extract<Effect, { kind: 'dial' }>;
export type DialAnswer = (effect: DialEffect, at: number) => NodeEvent[];

/**
 * The chat loop in virtual time (its alarm on the test scheduler) for `forMs`,
 * with dial effects answered by `answer` on the same virtual frame but after
 * the step that asked (as a real network answers later). Build it inside `run()`.
 */
export function virtualNode(
  scheduler: TestScheduler,
  config: NodeConfig,
  events: Observable<NodeEvent>,
  options: { readonly forMs: number; readonly answer?: DialAnswer },
): Observable<Effect> {
  return new Observable<Effect>((subscriber) => {
    const feedback = new Subject<NodeEvent>();
    // Events are stamped with the virtual clock, as the real sources stamp them with the real one.
    const stamped = events.pipe(map((event): NodeEvent => ({ ...event, at: scheduler.now() })));
    // The run stops after `forMs`, so the virtual run ends (a linked node always has a next ping).
    const effects = merge(stamped, feedback.pipe(delay(0))).pipe(
      chatLoop(initialState(config), scheduler, scheduler),
      mergeAll(),
      takeUntil(timer(options.forMs)),
      share(),
    );
    const main = effects.subscribe(subscriber);
    const { answer } = options;
    const answers =
      answer === undefined
        ? undefined
        : effects.pipe(filter((e): e is DialEffect => e.kind === 'dial')).subscribe((dial) => {
            for (const event of answer(dial, scheduler.now())) feedback.next(event);
          });
    return () => {
      main.unsubscribe();
      answers?.unsubscribe();
    };
  });
}
