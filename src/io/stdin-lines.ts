import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Observable } from 'rxjs';
import type { NodeEvent } from '../core/event.js';
import type { InputDriver } from './sinks.js';

/** Splits text into lines across reads, never keeping more than `maxChars + 1` of one line. */
export interface LineSplitter {
  push(text: string): string[];
  end(): string[];
}

export function makeLineSplitter(maxChars: number): LineSplitter {
  let carry = '';
  return {
    push(text: string): string[] {
      const parts = text.split('\n');
      const last = parts.pop() ?? '';
      const lines = parts.map((part, index) => (index === 0 ? carry + part : part));
      const rest = lines.length === 0 ? carry + last : last;
      // An endless line is kept only long enough to be refused as too long.
      carry = rest.length > maxChars + 1 ? rest.slice(0, maxChars + 1) : rest;
      return lines;
    },
    end(): string[] {
      const rest = carry;
      carry = '';
      return rest === '' ? [] : [rest];
    },
  };
}

/**
 * stdin as events: the lines of each read together (a burst), then `inputEnd`
 * when stdin ends. Unsubscribing stops reading.
 */
export function stdinLines(
  stdin: Readable,
  clock: () => number,
  maxChars: number,
): Observable<NodeEvent> {
  return new Observable<NodeEvent>((subscriber) => {
    const decoder = new StringDecoder('utf8');
    const splitter = makeLineSplitter(maxChars);
    const onData = (chunk: Buffer | string): void => {
      const lines = splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (lines.length > 0) subscriber.next({ kind: 'input', at: clock(), lines });
    };
    const onEnd = (): void => {
      const lines = splitter.push(decoder.end()).concat(splitter.end());
      if (lines.length > 0) subscriber.next({ kind: 'input', at: clock(), lines });
      subscriber.next({ kind: 'inputEnd', at: clock() });
      subscriber.complete();
    };
    const onError = (): void => onEnd();
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
    return () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
    };
  });
}

/** Piped (or non-interactive) stdin as the node's input: its lines, and a way to hold reading. */
export function stdinInput(stdin: Readable, clock: () => number, maxChars: number): InputDriver {
  return {
    event$: stdinLines(stdin, clock, maxChars),
    hold: (held) => {
      if (held) stdin.pause();
      else stdin.resume();
    },
  };
}
