import { earliestAttempt } from './attempts.js';
import { backoffDelay, nextRandom } from './backoff.js';
import { withEntry, withMember, withoutEntry } from './collections.js';
import type { Effect } from './effect.js';
import type { NodeState } from './state.js';
import { withDialer } from './state.js';

/** A peer named on the command line that is not up (yet): tried again with the redial backoff. */
export interface Retry {
  readonly target: string;
  readonly attempt: number;
  readonly nextAt: number;
  readonly giveUpAt: number;
  readonly dialing: boolean;
}

/**
 * A dial to a named peer failed (no connection, or no handshake). The first
 * time this node says once that it keeps trying; then it tries again with
 * the lost-member backoff for `--redial-for`, and says when it gives up.
 */
export function initialFailed(
  state: NodeState,
  target: string,
  reason: string,
  at: number,
  out: Effect[],
): NodeState {
  const retry = state.dialer.retries.get(target);
  const attempt = (retry?.attempt ?? 0) + 1;
  const { value, seed } = nextRandom(state.dialer.rng);
  const delay = backoffDelay(state.config.backoff, attempt - 1, value);
  const giveUpAt = retry?.giveUpAt ?? at + state.config.redialForMs;
  const next = withDialer(state, { rng: seed });
  if (at + delay > giveUpAt) {
    out.push({ kind: 'warn', warning: { code: 'gaveUpPeer', target } });
    return withDialer(next, { retries: withoutEntry(next.dialer.retries, target) });
  }
  if (retry === undefined)
    out.push({
      kind: 'warn',
      warning: { code: 'stillTrying', target, attempt, nextInMs: delay, reason },
    });
  const entry: Retry = { target, attempt, nextAt: at + delay, giveUpAt, dialing: false };
  return withDialer(next, { retries: withEntry(next.dialer.retries, target, entry) });
}

/** A named peer linked (or refused): no more retries for it. */
export function stopRetrying(state: NodeState, target: string): NodeState {
  if (!state.dialer.retries.has(target)) return state;
  return withDialer(state, { retries: withoutEntry(state.dialer.retries, target) });
}

/** When the next retry of a named peer is due (one in flight waits for its outcome). */
export function retryDue(state: NodeState): number | undefined {
  return earliestAttempt(state.dialer.retries.values(), state.dialer.dialing);
}

/** Dials every named peer whose retry is due. */
export function dialDueRetries(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  for (const retry of state.dialer.retries.values()) {
    if (retry.dialing || retry.nextAt > at || next.dialer.dialing.has(retry.target)) continue;
    out.push({ kind: 'dial', target: retry.target, purpose: { kind: 'initial' } });
    next = withDialer(next, {
      dialing: withMember(next.dialer.dialing, retry.target),
      retries: withEntry(next.dialer.retries, retry.target, { ...retry, dialing: true }),
    });
  }
  return next;
}
