import type { MemberInfo } from '../protocol/frames.js';
import { announcementOf } from './announcement.js';
import type { Effect } from './effect.js';
import { mayDialHeard, stateAfter } from './member-life.js';
import type { Member } from './state.js';

/** The member table and dials in flight while one gossip frame is taken in: copied once for it. */
export interface GossipDraft {
  readonly members: Map<string, Member>;
  readonly dialing: Set<string>;
  /** Members this node redials itself (lost here): gossip about them changes nothing. */
  readonly redials: ReadonlyMap<string, unknown>;
  readonly at: number;
}

/**
 * Gossip named a member: keep it as known, or dial it (as connecting) when
 * this node should. Writes into `draft` (one copy for the whole frame).
 */
export function heardOf(draft: GossipDraft, info: MemberInfo, dial: boolean, out: Effect[]): void {
  const known = draft.members.get(info.id);
  const attempts = known?.dialAttempts ?? 0;
  const change =
    dial && mayDialHeard(draft.dialing, info.address, attempts) ? 'dialled' : 'heardOf';
  const ann = announcementOf(info);
  const { name, address, mesh } = info;
  // Named again: still here, as far as the teller knows (see vouching.ts), as it now announces.
  if (known?.state === 'known' && change === 'heardOf') {
    draft.members.set(info.id, { ...known, name, address, mesh, ann, heardAt: draft.at });
    return;
  }
  // This node redials it itself; or the incarnation that quit, named by gossip from before.
  if (draft.redials.has(info.id)) return;
  if (known?.state === 'quit' && (known.ann?.inc ?? known.inc) === info.inc) return;
  const to = stateAfter(known, change);
  if (to === undefined) return;
  draft.members.set(info.id, {
    heardAt: draft.at,
    id: info.id,
    name,
    address,
    mesh,
    ann,
    state: to,
    confirmed: 0,
    sent: 0,
    received: 0,
    framesSent: 0,
    framesReceived: 0,
    dialAttempts: attempts + (change === 'dialled' ? 1 : 0),
  });
  if (change === 'heardOf') return;
  out.push({ kind: 'dial', target: info.address, purpose: { kind: 'gossip', member: info.id } });
  draft.dialing.add(info.address);
}
