import type { MemberInfo, MembersFrame } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';

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
