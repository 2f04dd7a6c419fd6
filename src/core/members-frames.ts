import type { MemberInfo, MembersFrame } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import type { LinkId } from './event.js';
import type { NodeState } from './state.js';

/** Entries of one `members` frame at most: what a receiver checks of one frame (see membership). */
export const MAX_MEMBERS_PER_FRAME = 128;

/** Room for the frame around its entries (`{"type":"members","members":[`, `]}`, the line end). */
export const FRAME_BYTES = 64;

/**
 * `items` in batches that each fit in one line with FRAME_BYTES around them
 * and hold at most `most`, in order; an item too big for a line of its own is left out.
 */
export function inLines<T>(items: readonly T[], most: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = FRAME_BYTES;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (FRAME_BYTES + size > MAX_FRAME_BYTES) continue;
    if (batch.length > 0 && (batch.length >= most || bytes + size > MAX_FRAME_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = FRAME_BYTES;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Gossip about `members` as `members` frames that each fit in a line and
 * hold at most MAX_MEMBERS_PER_FRAME entries, in order: however many members
 * and however long their fields, no frame is over the limit a receiver
 * closes the link for.
 */
export function membersFrames(members: readonly MemberInfo[]): MembersFrame[] {
  return inLines(members, MAX_MEMBERS_PER_FRAME).map((batch) => ({
    type: 'members',
    members: batch,
  }));
}

/**
 * Who is told of which of `members`: each linked member of those it does not
 * list in its last `links` (it is linked with them already); links that need
 * the same entries share the frames, and nobody is told only of itself.
 */
export function tellWhom(
  state: NodeState,
  members: readonly MemberInfo[],
): { readonly entries: readonly MemberInfo[]; readonly links: readonly LinkId[] }[] {
  const groups = new Map<string, { entries: MemberInfo[]; links: LinkId[] }>();
  for (const member of state.members.values()) {
    if (member.state !== 'linked' || member.link === undefined) continue;
    // An entry about the receiver itself is kept (it ignores it): more links share a frame.
    const entries = members.filter((info) => !member.peers?.has(info.id));
    if (entries.length === 0 || (entries.length === 1 && entries[0]?.id === member.id)) continue;
    const key = entries.map((info) => info.id).join(',');
    const group = groups.get(key) ?? { entries, links: [] };
    group.links.push(member.link);
    groups.set(key, group);
  }
  return [...groups.values()];
}
