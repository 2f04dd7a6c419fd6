import type { MemberInfo, MembersFrame } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import type { LinkId } from './event.js';
import type { NodeState } from './state.js';

/** Entries of one `members` frame at most: what a receiver checks of one frame (see membership). */
export const MAX_MEMBERS_PER_FRAME = 128;

/** Room for the frame around its entries: `{"type":"members","members":[`, `]}` and the line end. */
const FRAME_BYTES = 64;

/**
 * Gossip about `members` as `members` frames that each fit in a line and
 * hold at most MAX_MEMBERS_PER_FRAME entries, in order: however many members
 * and however long their fields, no frame is over the limit a receiver
 * closes the link for.
 */
export function membersFrames(members: readonly MemberInfo[]): MembersFrame[] {
  const frames: MembersFrame[] = [];
  let batch: MemberInfo[] = [];
  let bytes = FRAME_BYTES;
  for (const info of members) {
    const size = Buffer.byteLength(JSON.stringify(info)) + 1;
    const full = batch.length >= MAX_MEMBERS_PER_FRAME || bytes + size > MAX_FRAME_BYTES;
    if (batch.length > 0 && full) {
      frames.push({ type: 'members', members: batch });
      batch = [];
      bytes = FRAME_BYTES;
    }
    batch.push(info);
    bytes += size;
  }
  if (batch.length > 0) frames.push({ type: 'members', members: batch });
  return frames;
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
