import type { Subscription } from 'rxjs';
import type { EdgeScope } from './edge-scope.js';
import type { LinkSocket } from './transport.js';

/** The rate limit is kept per window of this length. */
const RATE_WINDOW_MS = 100;

export interface ReadRate {
  /** Bytes just read: over the window's share the socket pauses until the window ends. */
  count(bytes: number): void;
  /** Cancels a pending resume (the socket closed). */
  stop(): void;
}

/**
 * At most `bytesPerSecond` read from one socket: beyond it reading pauses
 * until the window ends, so TCP slows the sender and nothing is dropped. It
 * resumes only if reading is not held for another reason (`readingHeld`).
 */
export function readRateLimit(
  socket: LinkSocket,
  bytesPerSecond: number,
  scope: EdgeScope,
  readingHeld: () => boolean,
): ReadRate {
  const windowLimit = (bytesPerSecond * RATE_WINDOW_MS) / 1000;
  let windowStart = 0;
  let windowBytes = 0;
  let resume: Subscription | undefined;
  const stop = (): void => {
    if (resume !== undefined) scope.cancel(resume);
    resume = undefined;
  };
  const count = (bytes: number): void => {
    const now = scope.now();
    if (now - windowStart >= RATE_WINDOW_MS) {
      windowStart = now;
      windowBytes = 0;
    }
    windowBytes += bytes;
    if (windowBytes <= windowLimit) return;
    socket.pause();
    stop();
    resume = scope.later(RATE_WINDOW_MS - (now - windowStart), () => {
      resume = undefined;
      if (!readingHeld()) socket.resume();
    });
  };
  return { count, stop };
}
