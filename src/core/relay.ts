import type { MemberInfo, View } from '../protocol/frames.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { memberInfo } from './gossip.js';
import { membersFrames } from './members-frames.js';
import { isBounded } from './overlay.js';
import type { NodeState } from './state.js';
import { withGossip } from './state.js';
import { viewOf, viewsFrames } from './views.js';

/**
 * While links are bounded, what a node learns of a member — its announcement
 * (it joined) or a newer view (whom it is linked with) — is passed on, once,
 * with the next batch of gossip, to every linked member but the one it came
 * from and the member itself: a flood that each node takes part in once per
 * piece of news (a copy it holds already goes no further). So a join or a
 * change of links reaches every member present in at most two frames per link.
 */

/** A member to pass on: its announcement or its view, and from which member it came. */
export interface Relayed {
  readonly id: string;
  readonly what: 'member' | 'view';
  readonly from?: string;
}

/** Queues `id`'s announcement or view to be passed on (only while links are bounded). */
export function queueRelay(state: NodeState, relayed: Relayed, at: number): NodeState {
  if (!isBounded(state)) return state;
  const held = state.gossip.relay;
  const idle = held.length === 0 && state.gossip.joined.length === 0 && !state.gossip.linksChanged;
  const relay = [...held.filter((r) => r.id !== relayed.id || r.what !== relayed.what), relayed];
  return withGossip(state, idle ? { relay, heldAt: at } : { relay });
}

/** The links a member's news goes to: see above. */
function relayTargets(state: NodeState, about: string, from: string | undefined): LinkId[] {
  const links: LinkId[] = [];
  for (const member of state.members.values()) {
    if (member.state !== 'linked' || member.link === undefined) continue;
    if (member.id !== from && member.id !== about) links.push(member.link);
  }
  return links;
}

/** Sends what is queued: to each link, its entries in as few frames as fit. */
export function flushRelays(state: NodeState, out: Effect[]): NodeState {
  if (state.gossip.relay.length === 0) return state;
  const perLink = new Map<LinkId, { infos: MemberInfo[]; views: View[] }>();
  for (const { id, what, from } of state.gossip.relay) {
    const member = state.members.get(id);
    if (member === undefined || (member.state !== 'linked' && member.state !== 'known')) continue;
    const info = what === 'member' ? memberInfo(member) : undefined;
    const view = what === 'view' ? viewOf(member) : undefined;
    for (const link of relayTargets(state, id, from)) {
      const news = perLink.get(link) ?? { infos: [], views: [] };
      if (info !== undefined) news.infos.push(info);
      if (view !== undefined) news.views.push(view);
      perLink.set(link, news);
    }
  }
  for (const [link, { infos, views }] of perLink) {
    for (const frame of membersFrames(infos)) out.push({ kind: 'send', links: [link], frame });
    for (const frame of viewsFrames(views)) out.push({ kind: 'send', links: [link], frame });
  }
  return withGossip(state, { relay: [] });
}
