import type { Observable, OperatorFunction } from 'rxjs';
import { concatWith, defer, EMPTY, filter, ignoreElements, map, tap } from 'rxjs';
import type { Effect } from '../core/effect.js';
import type { NodeEvent } from '../core/event.js';
import type { NetDriver } from './net-driver.js';
import type { Output } from './output.js';

/** The keyboard or the pipe the node reads lines from; `hold` stops and resumes reading. */
export interface InputDriver {
  readonly event$: Observable<NodeEvent>;
  hold(held: boolean): void;
}

type ExitEffect = Extract<Effect, { kind: 'exit' }>;

/**
 * stdout and stderr: events, notices and warnings. When the effects end it
 * lets stdout drain (unless the exit was `now`), then completes.
 */
export function renderSink(output: Output): OperatorFunction<Effect, never> {
  return (effect$) =>
    defer(() => {
      let waitForStdout = true;
      return effect$.pipe(
        tap((effect) => {
          switch (effect.kind) {
            case 'emit':
              output.emit(effect.event, effect.label);
              break;
            case 'notice':
              output.notice(effect.text);
              break;
            case 'warn':
              output.warn(
                effect.key === undefined
                  ? { text: effect.text }
                  : { text: effect.text, key: effect.key },
              );
              break;
            case 'exit':
              waitForStdout = !effect.now;
              break;
            default:
              break;
          }
        }),
        ignoreElements(),
        concatWith(defer(() => (waitForStdout ? output.drain$ : EMPTY))),
      );
    });
}

/** The links: frames out, dials, closes, and whether links are read. */
export function networkSink(net: NetDriver): OperatorFunction<Effect, never> {
  return (effect$) =>
    effect$.pipe(
      tap((effect) => {
        switch (effect.kind) {
          case 'send':
            net.send(effect.links, effect.frame);
            break;
          case 'dial':
            net.dial(effect.target, effect.purpose);
            break;
          case 'close':
            net.close(effect.link, effect.graceful);
            break;
          case 'holdReading':
            net.holdReading(effect.held);
            break;
          default:
            break;
        }
      }),
      ignoreElements(),
    );
}

/** Whether stdin is read: held while a link cannot keep up. */
export function inputSink(input: InputDriver): OperatorFunction<Effect, never> {
  return (effect$) =>
    effect$.pipe(
      tap((effect) => {
        if (effect.kind === 'holdInput') input.hold(effect.held);
      }),
      ignoreElements(),
    );
}

/** The node's life: the exit code, once, from the last effect. */
export function exitCode(): OperatorFunction<Effect, number> {
  return (effect$) =>
    effect$.pipe(
      filter((effect): effect is ExitEffect => effect.kind === 'exit'),
      map((effect) => effect.code),
    );
}
