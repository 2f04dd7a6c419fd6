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
}

export function makeOutput(options: OutputOptions): Output {
  const { stdout, stderr, json, scheduler } = options;
  const eventJson = makeEventJson();
  const clock = (): number => scheduler.now();
  const write = (stream: Writable, text: string): void => {
    if (options.printAbove === undefined) stream.write(text);
    else options.printAbove(stream, text);
  };
  let pending: string[] = [];
  let scheduled = false;
  let backlogged = false;
  const backlog = new Subject<boolean>();

  // Everything one burst of events prints goes out in one write.
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(stdout, text);
    // Whoever reads stdout sets the pace: past the mark, links are not read until it drained.
    if (!backlogged && stdout.writableLength > options.backlogBytes) {
      backlogged = true;
      backlog.next(true);
      stdout.once('drain', () => {
        backlogged = false;
        backlog.next(false);
      });
    }
  };
  const print = (line: string): void => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };

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
    event$: backlog.pipe(map((held): NodeEvent => ({ kind: 'readingHeld', at: clock(), held }))),
    drain$: defer(() => {
      warning$.complete();
      warnings.unsubscribe();
      flush();
      return stdout.writableNeedDrain ? fromEvent(stdout, 'drain').pipe(take(1)) : EMPTY;
    }).pipe(ignoreElements()),
  };
}
