import { hostOf } from './address.js';
import { onStart } from './dialing.js';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import { onInput, releaseInput } from './input.js';
import { requestLeave, settle, whileClosing } from './leaving.js';
import { onCongestion, onOverfull } from './link-pressure.js';
import { onBadInput, onDialFailed, onLinkDown, onLinkUp } from './links.js';
import { holdReading } from './liveness.js';
import { onFrame } from './receive.js';
import type { NodeState } from './state.js';
import { onTick } from './timed-rules.js';

export interface Step {
  readonly state: NodeState;
  readonly effects: readonly Effect[];
}

function dispatch(state: NodeState, event: NodeEvent, out: Effect[]): NodeState {
  switch (event.kind) {
    case 'start':
      return onStart(state, event.at, out);
    case 'input':
      return onInput(state, event.lines, event.at, out);
    case 'inputEnd':
      return requestLeave(state, false, false, out);
    case 'signal':
      return requestLeave(state, true, event.signal === 'SIGINT', out);
    case 'linkUp':
      return onLinkUp(state, event, out);
    case 'dialFailed':
      return onDialFailed(state, event, out);
    case 'linkDown':
      return onLinkDown(state, event, out);
    case 'frame': {
      const link = state.links.get(event.link);
      return link === undefined ? state : onFrame(state, link, event.frame, event.at, out);
    }
    case 'badInput':
      return onBadInput(state, event, out);
    case 'refused':
      out.push({
        kind: 'warn',
        warning: { code: 'refused', remote: event.remote, reason: event.reason },
        key: `refused:${event.anyHost ? '*' : hostOf(event.remote)}:${event.group ?? event.reason}`,
      });
      return state;
    case 'readingHeld':
      // stdout fell behind (or caught up): stop (or go on) reading the links, so TCP slows the senders.
      out.push({ kind: 'holdReading', held: event.held });
      return holdReading(state, event.held, event.at);
    case 'congestion':
      // A link cannot keep up (or drained): stdin is held while any link is congested.
      return onCongestion(state, event, out);
    case 'overfull':
      return onOverfull(state, event, out);
    case 'tick':
      return onTick(state, event.at, out);
  }
}

/**
 * The whole node as one pure function: the state and an event in, the next
 * state and the effects to carry out. `scan` runs it; nothing here does I/O.
 */
export function step(state: NodeState, event: NodeEvent): Step {
  const effects: Effect[] = [];
  const { phase } = state.leaving;
  if (phase === 'closing' || phase === 'left')
    return { state: whileClosing(state, event, effects), effects };
  const next = settle(
    releaseInput(dispatch(state, event, effects), event.at, effects),
    event.at,
    effects,
  );
  return { state: next, effects };
}
