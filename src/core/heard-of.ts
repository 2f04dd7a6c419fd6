import type { MemberInfo } from '../protocol/frames.js';
import { announcementOf } from './announcement.js';
import type { Effect } from './effect.js';
import { withSkeleton } from './look-alike.js';
import { mayDialHeard, stateAfter } from './member-life.js';
import type { Member } from './state.js';

/** The member table and dials in flight while one gossip frame is taken in: copied once for it. */
export interface GossipDraft {
  readonly members: Map<string, Member>;
  readonly dialing: Set<string>;
  /** Members this node redials itself (lost here): gossip about them changes nothing. */
  readonly redials: ReadonlyMap<string, unknown>;
  readonly at: number;
  /** Members in `members` never linked with this node (bounded: see MAX_HEARD_ONLY). */
  heardOnly: number;
}

/**
 * Members never linked with this node kept at most (heard of, or left while
 * only heard of). Beyond it the one that left longest ago makes room; when
 * none has left, a member not heard of yet is not taken.
 */
export const MAX_HEARD_ONLY = 512;

const isHeardOnly = (member: Member): boolean => member.linkedAt === undefined;

/** Counts the members never linked here, for a draft. */
export function heardOnlyIn(members: ReadonlyMap<string, Member>): number {
  let count = 0;
  for (const member of members.values()) if (isHeardOnly(member)) count += 1;
  return count;
}

/** Makes room for one more member only heard of: false when there is none to make. */
function roomForOne(draft: GossipDraft): boolean {
  if (draft.heardOnly < MAX_HEARD_ONLY) return true;
  let oldest: Member | undefined;
  for (const member of draft.members.values()) {
    if (!isHeardOnly(member) || member.leftAt === undefined) continue;
    if (oldest === undefined || member.leftAt < (oldest.leftAt ?? 0)) oldest = member;
  }
  if (oldest === undefined) return false;
  draft.members.delete(oldest.id);
  draft.heardOnly -= 1;
  return true;
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
  // Named again: still here, as far as the teller knows (see vouching.ts). The address first
  // heard for an incarnation is kept (a liar cannot move it); a new incarnation brings its own.
  if (known?.state === 'known' && change === 'heardOf') {
    const moved = known.ann?.inc !== info.inc;
    const fields = moved ? { name, address, mesh, ann } : {};
    draft.members.set(info.id, { ...known, ...fields, heardAt: draft.at });
    return;
  }
  // This node redials it itself; or the incarnation that quit, named by gossip from before.
  if (draft.redials.has(info.id)) return;
  if (known?.state === 'quit' && (known.ann?.inc ?? known.inc) === info.inc) return;
  const to = stateAfter(known, change);
  if (to === undefined) return;
  if (known === undefined) {
    if (!roomForOne(draft)) return;
    draft.heardOnly += 1;
  }
  draft.members.set(info.id, {
    heardAt: draft.at,
    id: info.id,
    name,
    skeleton: withSkeleton(name),
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
