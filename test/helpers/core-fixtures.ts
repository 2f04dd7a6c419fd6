import type { NodeConfig } from '../../src/core/config.js';
import { makeConfig } from '../../src/core/config.js';
import type { Effect } from '../../src/core/effect.js';
import type { LinkId, NodeEvent } from '../../src/core/event.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { HelloFrame } from '../../src/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../src/protocol/frames.js';

export const SELF = 'b000000000000000';
export const LOWER = 'a000000000000000';
export const HIGHER = 'c000000000000000';

export function testConfig(fields: Partial<NodeConfig> = {}): NodeConfig {
  return makeConfig({
    id: SELF,
    name: 'self',
    port: 9000,
    seed: 7,
    backoff: { baseMs: 250, capMs: 30_000, jitter: 0 },
    ...fields,
  });
}

export function hello(
  id: string,
  name: string,
  port = 9100,
  fields: Partial<HelloFrame> = {},
): HelloFrame {
  return { type: 'hello', v: PROTOCOL_VERSION, id, inc: '1', name, port, mesh: true, ...fields };
}

export function linkUp(
  link: LinkId,
  at = 0,
  fields: Partial<Extract<NodeEvent, { kind: 'linkUp' }>> = {},
): NodeEvent {
  return {
    kind: 'linkUp',
    at,
    link,
    remote: `127.0.0.1:${50_000 + link}`,
    direction: 'in',
    ...fields,
  };
}

export function frameEvent(
  link: LinkId,
  frame: Extract<NodeEvent, { kind: 'frame' }>['frame'],
  at = 0,
): NodeEvent {
  return { kind: 'frame', at, link, frame };
}

/** Folds events through `step`, as `scan` does, keeping every effect. */
export function fold(
  events: readonly NodeEvent[],
  config: NodeConfig = testConfig(),
): { state: NodeState; effects: Effect[] } {
  let state = initialState(config);
  const effects: Effect[] = [];
  for (const event of events) {
    const result = step(state, event);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

/** Events that link member `id` (named `name`) over link `link`. */
export function joined(link: LinkId, id: string, name: string, at = 0): NodeEvent[] {
  return [linkUp(link, at), frameEvent(link, hello(id, name, 9100 + link), at)];
}

export function kinds(effects: readonly Effect[]): string[] {
  return effects.map((effect) =>
    effect.kind === 'emit'
      ? `emit:${effect.event.event}`
      : effect.kind === 'send'
        ? `send:${effect.frame.type}`
        : effect.kind,
  );
}
