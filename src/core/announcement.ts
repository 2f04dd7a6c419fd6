import type { Announcement, Goodbye } from '../protocol/frames.js';
import type { NodeConfig } from './config.js';
import type { Identity } from './identity.js';

/**
 * Announcements: a member's signed word about itself (see Announcement in
 * frames.ts). The text signed is canonical, like a chat frame's: one field a
 * line, strings JSON-encoded; docs/PROTOCOL.md specifies it.
 */

export function announcementText(announcement: Omit<Announcement, 'sig'>): string {
  const { id, inc, name, port, mesh, advertise, key, dh, time } = announcement;
  return [
    'rxchat-member-v3',
    id,
    inc,
    JSON.stringify(name),
    String(port),
    mesh ? 'mesh' : 'no-mesh',
    advertise === undefined ? '-' : JSON.stringify(advertise),
    key,
    dh,
    JSON.stringify(time),
  ].join('\n');
}

/** This node's own announcement for this incarnation, signed. */
export function ownAnnouncement(config: NodeConfig): Announcement {
  const { id, incarnation, name, port, mesh, advertise, identity, box, startedAt } = config;
  const fields = {
    id,
    inc: incarnation,
    name,
    port,
    mesh,
    key: identity.key,
    dh: box.dh,
    time: new Date(startedAt).toISOString(),
    ...(advertise === undefined ? {} : { advertise }),
  };
  return { ...fields, sig: identity.sign(announcementText(fields)) };
}

/** Whether an announcement is its member's own: its key stands for its id and signed it. */
export function isAuthentic(identity: Identity, announcement: Announcement): boolean {
  return (
    identity.idOf(announcement.key) === announcement.id &&
    identity.verify(announcement.key, announcementText(announcement), announcement.sig)
  );
}

/** Only the announcement's own fields (a hello or a members entry carries more). */
export function announcementOf(from: Announcement): Announcement {
  const { id, inc, name, port, mesh, advertise, key, dh, time, sig } = from;
  const fields = { id, inc, name, port, mesh, key, dh, time, sig };
  return advertise === undefined ? fields : { ...fields, advertise };
}

/** The text a member signs to say goodbye for good (this incarnation): `bye` `quit` carries it. */
export function goodbyeText(id: string, inc: string): string {
  return ['rxchat-quit-v3', id, inc].join('\n');
}

/** Whether a goodbye passed on is the member's own, for the incarnation this node holds of it. */
export function isOwnGoodbye(
  identity: Identity,
  held: Announcement | undefined,
  bye: Goodbye,
): boolean {
  return (
    held !== undefined &&
    held.id === bye.id &&
    held.inc === bye.inc &&
    identity.verify(held.key, goodbyeText(bye.id, bye.inc), bye.sig)
  );
}

/** Whether `info` is exactly the announcement held (nothing to check again), not merely its signature. */
export function isSameAnnouncement(held: Announcement | undefined, info: Announcement): boolean {
  return (
    held !== undefined && held.sig === info.sig && announcementText(held) === announcementText(info)
  );
}
