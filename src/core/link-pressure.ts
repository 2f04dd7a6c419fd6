import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import type { NodeEvent } from './event.js';
import { linkRef } from './labels.js';
import { destroyLink } from './link-close.js';
import type { Link, NodeState } from './state.js';
import type { NotReading } from './warning.js';

/**
 * Links that cannot keep up with what this node writes. The edge reports the
 * facts (a link's unsent data went over the congestion mark, drained, went
 * over the unsent bound); the rules are here:
 *
 * - stdin is held while any link is congested (`congestedSince`), and
 *   released at the drain that leaves none congested;
 * - a link congested for `stallMs` without draining, or over the unsent
 *   bound, is a reader that does not read: it is closed (and its member is
 *   lost at its linkDown), rather than let this node's memory grow.
 */

type CongestionEvent = Extract<NodeEvent, { kind: 'congestion' }>;
type OverfullEvent = Extract<NodeEvent, { kind: 'overfull' }>;

/** Whether some link listed is congested: stdin is held exactly then. */
export function anyCongested(state: NodeState): boolean {
  for (const link of state.links.values()) if (link.congestedSince !== undefined) return true;
  return false;
}

function withCongestion(link: Link, congested: boolean, at: number): Link {
  if (congested) return link.congestedSince === undefined ? { ...link, congestedSince: at } : link;
  if (link.congestedSince === undefined) return link;
  const { congestedSince: _since, ...rest } = link;
  return rest;
}

/**
 * A link went over the congestion mark, or drained. The first congested link
 * holds stdin; a drain that leaves none congested releases it (also when the
 * link is no longer listed: another rule dropped it while it was congested).
 */
export function onCongestion(state: NodeState, event: CongestionEvent, out: Effect[]): NodeState {
  const link = state.links.get(event.link);
  const held = anyCongested(state);
  const next =
    link === undefined
      ? state
      : {
          ...state,
          links: withEntry(state.links, link.id, withCongestion(link, event.congested, event.at)),
        };
  if (event.congested && !held && anyCongested(next)) out.push({ kind: 'holdInput', held: true });
  if (!event.congested && !anyCongested(next)) out.push({ kind: 'holdInput', held: false });
  return next;
}

/**
 * Closes a link that does not read: a warning with the reason (its member's
 * is "lost", as at its linkDown), then `close`. It stays listed, marked
 * closing, until its linkDown, which settles its member; its drain (the edge
 * reports one just before) releases stdin.
 */
function dropLink(state: NodeState, link: Link, why: NotReading, out: Effect[]): NodeState {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  const lost = member?.link === link.id;
  out.push({
    kind: 'warn',
    warning: { code: 'notReading', link: linkRef(state, link), lost, why },
    key: lost ? `lost:${link.remote}` : `${link.remote}:stopped reading`,
  });
  return destroyLink(state, link, out);
}

/** A link over the unsent bound is dropped at once. */
export function onOverfull(state: NodeState, event: OverfullEvent, out: Effect[]): NodeState {
  const link = state.links.get(event.link);
  if (link === undefined || link.closing) return state;
  return dropLink(state, link, { kind: 'overfull', limitBytes: event.limitBytes }, out);
}

/** At a tick: links congested for `stallMs` without draining are dropped. */
export function checkStalls(state: NodeState, at: number, out: Effect[]): NodeState {
  const { stallMs } = state.config;
  let next = state;
  for (const link of state.links.values()) {
    if (link.closing || link.congestedSince === undefined || at - link.congestedSince < stallMs)
      continue;
    next = dropLink(next, link, { kind: 'stalled', ms: stallMs }, out);
  }
  return next;
}

/** When the stall rule next needs the clock: the earliest congested link's stall bound. */
export function stallDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const link of state.links.values()) {
    if (link.closing || link.congestedSince === undefined) continue;
    const at = link.congestedSince + state.config.stallMs;
    if (due === undefined || at < due) due = at;
  }
  return due;
}
