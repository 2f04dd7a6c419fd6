import { isUtf8 } from 'node:buffer';

/**
 * Screens raw bytes from a socket before any parser sees them: it enforces the
 * line length limit across chunk boundaries (so a long line is caught however
 * TCP splits it, and an unterminated line never grows past the limit) and drops
 * lines that are not valid UTF-8. What it passes on is only whole, valid lines.
 */

export interface ScreenState {
  /** Bytes of the unfinished last line, at most `limit` in all. */
  readonly carry: readonly Buffer[];
  readonly carryLength: number;
}

export type ScreenProblem = 'oversize' | 'not-utf8';

export interface ScreenResult {
  readonly state: ScreenState;
  /** Whole lines, each ending in `\n`, concatenated. Empty when none. */
  readonly lines: Buffer;
  readonly problems: readonly ScreenProblem[];
  /** True once a line passed the limit: the connection must be closed. */
  readonly fatal: boolean;
}

export const emptyScreen: ScreenState = { carry: [], carryLength: 0 };

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** `limit` counts the bytes of a line including its newline. */
export function screenChunk(state: ScreenState, chunk: Buffer, limit: number): ScreenResult {
  const problems: ScreenProblem[] = [];
  const firstNewline = chunk.indexOf(NEWLINE);
  if (firstNewline === -1) {
    const carryLength = state.carryLength + chunk.length;
    if (carryLength >= limit)
      return { state: emptyScreen, lines: EMPTY, problems: ['oversize'], fatal: true };
    return {
      state: { carry: [...state.carry, chunk], carryLength },
      lines: EMPTY,
      problems,
      fatal: false,
    };
  }

  // Check every line's length first: cheap, and it bounds all later work.
  let start = 0;
  let newline = firstNewline;
  let lastNewline = firstNewline;
  let extra = state.carryLength;
  while (newline !== -1) {
    if (extra + newline - start + 1 > limit) {
      return { state: emptyScreen, lines: EMPTY, problems: ['oversize'], fatal: true };
    }
    extra = 0;
    lastNewline = newline;
    start = newline + 1;
    newline = chunk.indexOf(NEWLINE, start);
  }
  const rest = chunk.subarray(lastNewline + 1);
  if (rest.length >= limit)
    return { state: emptyScreen, lines: EMPTY, problems: ['oversize'], fatal: true };

  const head = chunk.subarray(0, lastNewline + 1);
  const whole = state.carryLength === 0 ? head : Buffer.concat([...state.carry, head]);
  const next: ScreenState =
    rest.length === 0 ? emptyScreen : { carry: [rest], carryLength: rest.length };
  if (isUtf8(whole)) return { state: next, lines: whole, problems, fatal: false };

  // Rare path: keep the valid lines, drop the others.
  const kept: Buffer[] = [];
  let from = 0;
  let at = whole.indexOf(NEWLINE);
  while (at !== -1) {
    const line = whole.subarray(from, at + 1);
    if (isUtf8(line)) kept.push(line);
    else problems.push('not-utf8');
    from = at + 1;
    at = whole.indexOf(NEWLINE, from);
  }
  return { state: next, lines: Buffer.concat(kept), problems, fatal: false };
}
