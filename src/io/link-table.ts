import type { LinkId } from '../core/event.js';
import type { LinkSocket } from './transport.js';

/**
 * The sockets that are links, by id, and whether links are read: the close
 * and holdReading effects act on it.
 */
export interface LinkTable {
  readonly size: number;
  /** Whether reading from links is held (a link added then starts paused). */
  readonly readingHeld: boolean;
  /** Adds a socket as a new link; returns its id. */
  add(socket: LinkSocket): LinkId;
  get(link: LinkId): LinkSocket | undefined;
  remove(link: LinkId): void;
  /** `graceful` ends it after what was written; otherwise destroys it. */
  close(link: LinkId, graceful: boolean): void;
  /** Stops reading from every link (true) or reads again (false): TCP slows the senders. */
  holdReading(held: boolean): void;
}

export function makeLinkTable(): LinkTable {
  const sockets = new Map<LinkId, LinkSocket>();
  let readingHeld = false;
  let nextLinkId = 1;
  return {
    get size() {
      return sockets.size;
    },
    get readingHeld() {
      return readingHeld;
    },
    add(socket) {
      const link = nextLinkId++;
      sockets.set(link, socket);
      if (readingHeld) socket.pause();
      return link;
    },
    get: (link) => sockets.get(link),
    remove(link) {
      sockets.delete(link);
    },
    close(link, graceful) {
      const socket = sockets.get(link);
      if (socket === undefined) return;
      if (graceful) socket.end();
      else socket.destroy();
    },
    holdReading(held) {
      readingHeld = held;
      for (const socket of sockets.values()) {
        if (held) socket.pause();
        else socket.resume();
      }
    },
  };
}
