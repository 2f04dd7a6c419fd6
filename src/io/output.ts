import type { Writable } from 'node:stream';
import type { Observable, SchedulerLike } from 'rxjs';
import { defer, EMPTY, fromEvent, ignoreElements, map, Subject, take } from 'rxjs';
import type { NodeEvent } from '../core/event.js';
import type { OutputEvent } from '../core/output-event.js';
import type { Warning } from '../render/coalesce-repeats.js';
import { coalesceRepeats } from '../render/coalesce-repeats.js';
import { makeEventJson } from '../render/event-json.js';
import { formatHuman } from '../render/format-human.js';
import { inert } from '../render/inert.js';
import type { Style } from '../render/style.js';

export interface OutputOptions {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly json: boolean;
  readonly style: Style;
  /** Hide joins and leaves (human output only). */
  readonly quiet: boolean;
  /** On an interactive terminal: print above the prompt. */
  readonly printAbove?: (stream: Writable, text: string) => void;
  /** Times the warning windows; its `now()` is the clock for human times and events. */
  readonly scheduler: SchedulerLike;
  /** Like warnings within this window print once, then once more with a count. */
  readonly warningWindowMs: number;
  /** Bytes stdout may hold unwritten before the node stops reading its links. */
  readonly backlogBytes: number;
}

/** stdout and stderr: events as JSON or human lines, warnings on stderr. */
export interface Output {
  emit(event: OutputEvent, label?: string): void;
  notice(text: string): void;
  warn(warning: Warning): void;
  /** `readingHeld` true when stdout holds over `backlogBytes` unwritten, false once it drained. */
  readonly event$: Observable<NodeEvent>;
  /** On subscribe: prints pending warning counts; completes once stdout took everything. */
  readonly drain$: Observable<never>;
  /** On subscribe: drops pending warning counts (their timers too) and completes at once. */
  readonly abort$: Observable<never>;
}

/**
 * stdout written once per burst of events (everything printed in one turn
 * goes out in one write); past `backlogBytes` unwritten it says so on
 * `backlog$`, and again once stdout drained.
 */
function batchedStdout(
  stdout: Writable,
  write: (text: string) => void,
  backlogBytes: number,
): { print(line: string): void; flush(): void; readonly backlog$: Observable<boolean> } {
  let pending: string[] = [];
  let scheduled = false;
  let backlogged = false;
  const backlog = new Subject<boolean>();
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
    // Whoever reads stdout sets the pace: past the mark, links are not read until it drained.
    if (!backlogged && stdout.writableLength > backlogBytes) {
      backlogged = true;
      backlog.next(true);
      stdout.once('drain', () => {
        backlogged = false;
        backlog.next(false);
      });
    }
  };
  return {
    print(line) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    flush,
    backlog$: backlog,
  };
}

export function makeOutput(options: OutputOptions): Output {
  const { stdout, stderr, json, scheduler } = options;
  const eventJson = makeEventJson();
  const clock = (): number => scheduler.now();
  const write = (stream: Writable, text: string): void => {
    if (options.printAbove === undefined) stream.write(text);
    else options.printAbove(stream, text);
  };
  const out = batchedStdout(stdout, (text) => write(stdout, text), options.backlogBytes);
  const print = out.print;

  let inHistory = false;
  const warning$ = new Subject<Warning>();
  const warnings = warning$
    .pipe(coalesceRepeats(options.warningWindowMs, scheduler))
    .subscribe((text) => {
      write(stderr, `rxchat: ${inert(text)}\n`);
    });

  return {
    emit(event, label) {
      if (json) {
        print(`${eventJson(event)}\n`);
        return;
      }
      if (options.quiet && (event.event === 'join' || event.event === 'leave')) return;
      // Catch-up from before this node joined comes under one heading.
      const history = event.event === 'message' && event.history;
      if (history && !inHistory) print(`${options.style.dim('— earlier —')}\n`);
      if (event.event === 'message') inHistory = history;
      print(`${formatHuman(event, label, clock(), options.style)}\n`);
    },
    notice(text) {
      if (!json) print(`${text}\n`);
    },
    warn(warning) {
      warning$.next(warning);
    },
    event$: out.backlog$.pipe(
      map((held): NodeEvent => ({ kind: 'readingHeld', at: clock(), held })),
    ),
    abort$: defer(() => {
      warnings.unsubscribe();
      return EMPTY;
    }),
    drain$: defer(() => {
      warning$.complete();
      warnings.unsubscribe();
      out.flush();
      return stdout.writableNeedDrain ? fromEvent(stdout, 'drain').pipe(take(1)) : EMPTY;
    }).pipe(ignoreElements()),
  };
}
