import type { Socket } from 'node:net';
import { connect } from 'node:net';

/** A hand-driven TCP client for feeding a node exact bytes. */
export interface RawClient {
  readonly socket: Socket;
  readonly lines: string[];
  write(data: string | Buffer): void;
  frames(): Record<string, unknown>[];
  closed(timeoutMs?: number): Promise<void>;
  hello(id: string, name: string, extra?: Record<string, unknown>): void;
}

/**
 * Connects to a node on 127.0.0.1. With `answerPings`, it behaves as a live
 * member: it answers every ping, confirming every chat message it was sent.
 */
export function rawConnect(
  port: number,
  options: { answerPings?: boolean } = {},
): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const lines: string[] = [];
    let partial = '';
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (options.answerPings !== true) return;
      for (const line of parts) {
        const frame = JSON.parse(line) as { type?: string; t?: number };
        if (frame.type !== 'ping') continue;
        const seen = lines
          .map((l) => JSON.parse(l) as { type?: string; msgs?: unknown[] })
          .filter((f) => f.type === 'chat')
          .reduce((sum, f) => sum + (f.msgs?.length ?? 0), 0);
        socket.write(`${JSON.stringify({ type: 'pong', t: frame.t, seen })}\n`);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      isClosed = true;
    });
    socket.once('connect', () => {
      const client: RawClient = {
        socket,
        lines,
        write(data) {
          socket.write(data);
        },
        frames() {
          return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        },
        closed(timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            if (isClosed) return done();
            const timer = setTimeout(() => fail(new Error('connection was not closed')), timeoutMs);
            socket.once('close', () => {
              clearTimeout(timer);
              done();
            });
          });
        },
        hello(id, name, extra = {}) {
          socket.write(
            `${JSON.stringify({ type: 'hello', v: 1, id, inc: '1', name, port: 1, mesh: false, ...extra })}\n`,
          );
        },
      };
      resolve(client);
    });
    socket.once('error', reject);
  });
}
