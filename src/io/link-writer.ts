import type { LinkId, NodeEvent } from '../core/event.js';
import type { Frame } from '../protocol/frames.js';
import { frameJson } from '../protocol/json-text.js';
import type { LinkTable } from './link-table.js';
import type { LinkSocket } from './transport.js';

/**
 * Where the writer reports a link's unsent bytes. Both are above the socket's
 * high-water mark, so a link over one of them emits `drain` once it caught up.
 */
export interface UnsentMarks {
  /** Over this a link is congested. */
  readonly congestedBytes: number;
  /** Over this a link is overfull. */
  readonly maxUnsentBytes: number;
}

/**
 * Frames out: each serialised once, the same bytes written to every link.
 * It watches each link's unsent bytes and reports only the crossings, as
 * facts: `congestion` (over the congestion mark, then drained) and
 * `overfull` (over the unsent bound). What they mean (stdin held, the link
 * dropped) is the core's to decide; the writer itself never drops a link.
 */
export interface LinkWriter {
  send(links: readonly LinkId[], frame: Frame): void;
  /** The link is going down: if it was congested, it is reported drained first. */
  closed(link: LinkId): void;
}

export interface WriterDeps {
  readonly table: LinkTable;
  readonly marks: UnsentMarks;
  readonly now: () => number;
  readonly report: (event: NodeEvent) => void;
}

/** Which marks a link went over since it last drained. */
interface Pressure {
  congested: boolean;
  overfull: boolean;
}

export function makeLinkWriter(deps: WriterDeps): LinkWriter {
  const { table, marks, now, report } = deps;
  const pressed = new Map<LinkId, Pressure>();
  const drained = (link: LinkId, pressure: Pressure): void => {
    if (pressed.get(link) !== pressure) return;
    pressed.delete(link);
    if (pressure.congested) report({ kind: 'congestion', at: now(), link, congested: false });
  };
  const pressureOf = (link: LinkId, socket: LinkSocket): Pressure => {
    const known = pressed.get(link);
    if (known !== undefined) return known;
    const pressure: Pressure = { congested: false, overfull: false };
    pressed.set(link, pressure);
    socket.once('drain', () => drained(link, pressure));
    return pressure;
  };
  const watch = (link: LinkId, socket: LinkSocket): void => {
    const unsent = socket.writableLength;
    if (unsent <= marks.congestedBytes && unsent <= marks.maxUnsentBytes) return;
    const pressure = pressureOf(link, socket);
    if (!pressure.congested && unsent > marks.congestedBytes) {
      pressure.congested = true;
      report({ kind: 'congestion', at: now(), link, congested: true });
    }
    if (!pressure.overfull && unsent > marks.maxUnsentBytes) {
      pressure.overfull = true;
      report({
        kind: 'overfull',
        at: now(),
        link,
        unsentBytes: unsent,
        limitBytes: marks.maxUnsentBytes,
      });
    }
  };
  return {
    send(links, frame) {
      const bytes = `${frameJson(frame)}\n`;
      for (const link of links) {
        const socket = table.get(link);
        if (!socket?.writable) continue;
        socket.write(bytes);
        watch(link, socket);
      }
    },
    closed(link) {
      const pressure = pressed.get(link);
      if (pressure !== undefined) drained(link, pressure);
    },
  };
}
