import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Observable } from 'rxjs';
import type { NodeEvent } from '../core/event.js';
import type { InputDriver } from './sinks.js';

/**
 * Interactive line editing on a terminal (Node's readline): arrow keys recall
 * earlier lines, and output is printed above the prompt without disturbing
 * the half-typed line below it.
 */
export interface Terminal extends InputDriver {
  /** Lines as typed; unsubscribing closes the line editor. */
  readonly event$: Observable<NodeEvent>;
  /** Prints text above the prompt, then redraws the prompt and the line being typed. */
  printAbove(stream: Writable, text: string): void;
}

export function makeTerminal(stdin: Readable, stdout: Writable, clock: () => number): Terminal {
  const rl = createInterface({
    input: stdin,
    output: stdout,
    terminal: true,
    historySize: 500,
    prompt: '> ',
  });
  let open = true;
  const event$ = new Observable<NodeEvent>((subscriber) => {
    rl.on('line', (line) => {
      subscriber.next({ kind: 'input', at: clock(), lines: [line] });
      if (open) rl.prompt();
    });
    // Ctrl+C arrives as a keystroke in raw mode: treat it as the signal it stands for.
    rl.on('SIGINT', () => subscriber.next({ kind: 'signal', at: clock(), signal: 'SIGINT' }));
    rl.on('close', () => {
      open = false;
      subscriber.next({ kind: 'inputEnd', at: clock() });
      subscriber.complete();
    });
    rl.prompt();
    return close;
  });
  function close(): void {
    if (!open) return;
    open = false;
    cursorTo(stdout, 0);
    clearLine(stdout, 0);
    rl.close();
  }
  return {
    event$,
    // The stream itself is paused, not readline: its prompt() would resume it. After the line
    // editor closed there is nothing to hold (resuming would read stdin with no one listening).
    hold: (held) => {
      if (!open) return;
      if (held) stdin.pause();
      else stdin.resume();
    },
    printAbove(stream, text) {
      if (!open) {
        stream.write(text);
        return;
      }
      cursorTo(stdout, 0);
      clearLine(stdout, 0);
      stream.write(text);
      rl.prompt(true);
    },
  };
}
