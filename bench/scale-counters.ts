import { Socket } from 'node:net';
import { COUNTERS_PREFIX } from './scale-tally.js';

/**
 * Loaded into each member of the scale benchmark (`--import`, through
 * NODE_OPTIONS), never into rxchat itself: counts what the member writes to
 * its links, frame by frame (rxchat writes one frame, one JSON line, per
 * `write`), by frame type, and for `chat` frames the messages they carry. On
 * SIGUSR2 it prints the counts so far as one line on stderr:
 * `scale-counters {"chat":{"frames":3,"bytes":1200,"messages":7},…}`.
 */

interface Tally {
  frames: number;
  bytes: number;
  messages: number;
}

const tallies: Record<string, Tally> = {};

function count(line: string): void {
  const type = /^\{"type":"([a-z-]+)"/.exec(line)?.[1] ?? 'other';
  const tally = tallies[type] ?? { frames: 0, bytes: 0, messages: 0 };
  tally.frames += 1;
  tally.bytes += Buffer.byteLength(line);
  if (type === 'chat') {
    const frame = JSON.parse(line) as { texts?: unknown[] };
    tally.messages += frame.texts?.length ?? 0;
  }
  tallies[type] = tally;
}

const write = Socket.prototype.write;
Socket.prototype.write = function countedWrite(
  this: Socket,
  ...args: Parameters<Socket['write']>
): boolean {
  const [chunk] = args;
  // stdout and stderr are sockets too when they are pipes: only links are counted.
  if (typeof chunk === 'string' && this !== process.stdout && this !== process.stderr) count(chunk);
  return write.apply(this, args);
} as Socket['write'];

process.on('SIGUSR2', () => {
  process.stderr.write(`${COUNTERS_PREFIX}${JSON.stringify(tallies)}\n`);
});
