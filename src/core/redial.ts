import { earliestAttempt } from './attempts.js';
import { backoffDelay, nextRandom } from './backoff.js';
import { withEntry, withMember, withoutEntry } from './collections.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import type { Member, NodeState } from './state.js';
import { withDialer } from './state.js';

/** A lost member being dialled again. */
export interface Redial {
  readonly member: string;
  readonly target: string;
  readonly attempt: number;
  readonly nextAt: number;
  readonly giveUpAt: number;
  readonly dialing: boolean;
}

/** A lost member is redialled when this node would have dialled it in the first place. */
export function shouldRedial(state: NodeState, member: Member): boolean {
  return member.named !== undefined || (state.config.mesh && member.mesh);
}

function drawDelay(state: NodeState, attempt: number): { state: NodeState; delay: number } {
  const { value, seed } = nextRandom(state.dialer.rng);
  return {
    state: withDialer(state, { rng: seed }),
    delay: backoffDelay(state.config.backoff, attempt, value),
  };
}

/** Starts redialling a member that was just lost. */
export function scheduleRedial(state: NodeState, member: Member, at: number): NodeState {
  if (!shouldRedial(state, member)) return state;
  const drawn = drawDelay(state, 0);
  const redial: Redial = {
    member: member.id,
    target: member.named ?? member.address,
    attempt: 0,
    nextAt: at + drawn.delay,
    giveUpAt: at + state.config.redialForMs,
    dialing: false,
  };
  return withDialer(drawn.state, {
    redials: withEntry(drawn.state.dialer.redials, member.id, redial),
  });
}

/** A redial attempt failed (no connection, or no handshake): plan the next one or give up. */
export function redialFailed(
  state: NodeState,
  memberId: string,
  at: number,
  out: Effect[],
): NodeState {
  const redial = state.dialer.redials.get(memberId);
  if (redial === undefined) return state;
  const attempt = redial.attempt + 1;
  const drawn = drawDelay(state, attempt);
  const nextAt = at + drawn.delay;
  if (nextAt > redial.giveUpAt) {
    const member = drawn.state.members.get(memberId);
    const who =
      member === undefined
        ? { name: memberId, id: memberId, tagged: false }
        : namedOf(drawn.state, member.id, member.name);
    out.push({ kind: 'warn', warning: { code: 'gaveUp', member: who, target: redial.target } });
    return withDialer(drawn.state, { redials: withoutEntry(drawn.state.dialer.redials, memberId) });
  }
  const next: Redial = { ...redial, attempt, nextAt, dialing: false };
  return withDialer(drawn.state, {
    redials: withEntry(drawn.state.dialer.redials, memberId, next),
  });
}

/** Dials every redial that is due. */
export function dialDueRedials(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  for (const redial of state.dialer.redials.values()) {
    if (redial.dialing || redial.nextAt > at || next.dialer.dialing.has(redial.target)) continue;
    out.push({
      kind: 'dial',
      target: redial.target,
      purpose: { kind: 'redial', member: redial.member },
    });
    next = withDialer(next, {
      dialing: withMember(next.dialer.dialing, redial.target),
      redials: withEntry(next.dialer.redials, redial.member, { ...redial, dialing: true }),
    });
  }
  return next;
}

/** When the next redial is due (one already dialling waits for its outcome). */
export function redialDue(state: NodeState): number | undefined {
  return earliestAttempt(state.dialer.redials.values(), state.dialer.dialing);
}
