import { Socket } from 'node:net';
import { COUNTERS_PREFIX, OPEN_LINKS } from './scale-tally.js';

/**
 * Loaded into each member of the scale benchmark (`--import`, through
 * NODE_OPTIONS), never into rxchat itself: counts what the member writes to
 * its links, frame by frame (rxchat writes one frame, one JSON line, per
 * `write`), by frame type, and for `chat` frames the messages they carry
 * (replayed `chat` frames, catch-up, are counted as type `replay`). On
 * SIGUSR2 it prints the counts so far as one line on stderr:
 * `scale-counters {"chat":{"frames":3,"bytes":1200,"messages":7},…}`, and the links
 * open then (as the frames of OPEN_LINKS).
 */

interface Tally {
  frames: number;
  bytes: number;
  messages: number;
}

const tallies: Record<string, Tally> = {};

/** The sockets written to (links), to count those still open in a snapshot. */
const links = new Set<Socket>();

/** A frame written to N − 1 links is the same string each time: its type is read once. */
let last: { readonly line: string; readonly type: string; readonly messages: number } | undefined;

function count(line: string): void {
  if (last?.line !== line) {
    const type = /^\{"type":"([a-z-]+)"/.exec(line)?.[1] ?? 'other';
    if (type === 'chat') {
      const frame = JSON.parse(line) as { texts?: unknown[]; replay?: boolean };
      // Catch-up replays are counted apart from live chat.
      last = {
        line,
        type: frame.replay === true ? 'replay' : 'chat',
        messages: frame.texts?.length ?? 0,
      };
    } else last = { line, type, messages: 0 };
  }
  const tally = tallies[last.type] ?? { frames: 0, bytes: 0, messages: 0 };
  tally.frames += 1;
  tally.bytes += Buffer.byteLength(line);
  tally.messages += last.messages;
  tallies[last.type] = tally;
}

const write = Socket.prototype.write;
Socket.prototype.write = function countedWrite(
  this: Socket,
  ...args: Parameters<Socket['write']>
): boolean {
  const [chunk] = args;
  // stdout and stderr are sockets too when they are pipes: only links are counted.
  if (typeof chunk === 'string' && this !== process.stdout && this !== process.stderr) {
    count(chunk);
    links.add(this);
  }
  return write.apply(this, args);
} as Socket['write'];

process.on('SIGUSR2', () => {
  for (const socket of links) if (socket.destroyed) links.delete(socket);
  // The links open now ride along as a pseudo type, which the reader takes apart (OPEN_LINKS).
  const open = { frames: links.size, bytes: 0, messages: 0 };
  process.stderr.write(`${COUNTERS_PREFIX}${JSON.stringify({ ...tallies, [OPEN_LINKS]: open })}\n`);
});
