import type { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import type { OutputEvent } from '../core/output-event.js';
import type { Warning } from '../render/coalesce-repeats.js';
import { coalesceRepeats } from '../render/coalesce-repeats.js';
import { formatHuman } from '../render/format-human.js';
import { inert } from '../render/inert.js';

export interface OutputOptions {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly json: boolean;
  readonly clock: () => number;
  /** Like warnings within this window print once, then once more with a count. */
  readonly warningWindowMs: number;
}

/** stdout and stderr: events as JSON or human lines, warnings on stderr. */
export interface Output {
  emit(event: OutputEvent, label?: string): void;
  notice(text: string): void;
  warn(warning: Warning): void;
  /** Prints pending warning counts and waits until stdout took everything. */
  close(): Promise<void>;
}

export function makeOutput(options: OutputOptions): Output {
  const { stdout, stderr, json, clock } = options;
  let pending: string[] = [];
  let scheduled = false;

  // Everything one burst of events prints goes out in one write.
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stdout.write(text);
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
  const warnings = warning$.pipe(coalesceRepeats(options.warningWindowMs)).subscribe((text) => {
    stderr.write(`rxchat: ${inert(text)}\n`);
  });

  return {
    emit(event, label) {
      if (json) {
        print(`${JSON.stringify(event)}\n`);
        return;
      }
      // Catch-up from before this node joined comes under one heading.
      const history = event.event === 'message' && event.history;
      if (history && !inHistory) print('— earlier —\n');
      if (event.event === 'message') inHistory = history;
      print(`${formatHuman(event, label, clock())}\n`);
    },
    notice(text) {
      if (!json) print(`${text}\n`);
    },
    warn(warning) {
      warning$.next(warning);
    },
    async close() {
      warning$.complete();
      warnings.unsubscribe();
      flush();
      if (stdout.writableNeedDrain) {
        await new Promise<void>((resolve) => stdout.once('drain', () => resolve()));
      }
    },
  };
}
