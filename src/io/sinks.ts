import type { Observable, OperatorFunction } from 'rxjs';
import { concatWith, defer, filter, ignoreElements, map, tap } from 'rxjs';
import type { Effect } from '../core/effect.js';
import type { NodeEvent } from '../core/event.js';
import type { Named } from '../core/warning.js';
import { commandHelpLines } from '../render/command-help.js';
import { nameOf, warningText } from '../render/warning-text.js';
import type { NetDriver } from './net-driver.js';
import type { Output } from './output.js';

/** The keyboard or the pipe the node reads lines from; `hold` stops and resumes reading. */
export interface InputDriver {
  readonly event$: Observable<NodeEvent>;
  hold(held: boolean): void;
}

/** A sink: each step's effects in, nothing out; it completes when they end (and it is done). */
export type Sink = OperatorFunction<readonly Effect[], never>;

/**
 * What the core said, in words: names, warnings and help are worded here, not
 * in the core. A run of messages from one sender shares one `who`: its label
 * is worded once for the run.
 */
function renderer(output: Output): (effect: Effect) => void {
  let lastWho: Named | undefined;
  let lastLabel = '';
  const labelOf = (who: Named, newKey: boolean): string => {
    if (who !== lastWho || newKey) {
      lastWho = newKey ? undefined : who;
      lastLabel = `${nameOf(who)}${newKey ? ' (new key)' : ''}`;
    }
    return lastLabel;
  };
  return (effect) => {
    switch (effect.kind) {
      case 'emit':
        if (effect.who === undefined) output.emit(effect.event);
        else output.emit(effect.event, labelOf(effect.who, effect.newKey === true));
        break;
      case 'help':
        for (const line of commandHelpLines()) output.notice(line);
        break;
      case 'warn': {
        const text = warningText(effect.warning);
        output.warn(effect.key === undefined ? { text } : { text, key: effect.key });
        break;
      }
      default:
        break;
    }
  };
}

/**
 * stdout and stderr: events, notices and warnings. When the effects end it
 * lets stdout drain, then completes; after an exit `now` (a second Ctrl+C) it
 * drops what is pending and completes at once.
 */
export function renderSink(output: Output): Sink {
  return (effect$) =>
    defer(() => {
      let waitForStdout = true;
      const render = renderer(output);
      return effect$.pipe(
        tap((effects) => {
          for (const effect of effects) {
            if (effect.kind === 'exit') waitForStdout = !effect.now;
            else render(effect);
          }
        }),
        ignoreElements(),
        concatWith(defer(() => (waitForStdout ? output.drain$ : output.abort$))),
      );
    });
}

function perform(net: NetDriver, effect: Effect): void {
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
    case 'member':
      net.member(effect.link);
      break;
    case 'holdReading':
      net.holdReading(effect.held);
      break;
    default:
      break;
  }
}

/** The links: frames out, dials, closes, which are members', and whether links are read. */
export function networkSink(net: NetDriver): Sink {
  return (effect$) =>
    effect$.pipe(
      tap((effects) => {
        for (const effect of effects) perform(net, effect);
      }),
      ignoreElements(),
    );
}

/** Whether stdin is read: held while a link cannot keep up. */
export function inputSink(input: InputDriver): Sink {
  return (effect$) =>
    effect$.pipe(
      tap((effects) => {
        for (const effect of effects) if (effect.kind === 'holdInput') input.hold(effect.held);
      }),
      ignoreElements(),
    );
}

/** The node's life: the exit code, once, from the last effect. */
export function exitCode(): OperatorFunction<readonly Effect[], number> {
  return (effect$) =>
    effect$.pipe(
      map((effects) => effects.at(-1)),
      filter((last): last is Extract<Effect, { kind: 'exit' }> => last?.kind === 'exit'),
      map((exit) => exit.code),
    );
}
