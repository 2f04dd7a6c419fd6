import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that tests put between two nodes to cut, delay and
 * restore one link on command. While cut, it closes every connection through it
 * and every new one at once, so redials fail until it is restored.
 */
export interface FaultProxy {
  readonly port: number;
  readonly address: string;
  cut(): void;
  restore(): void;
  /** Holds every chunk this long before passing it on (order kept). */
  delay(ms: number): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let isCut = false;
  let delayMs = 0;

  const pass = (from: Socket, to: Socket): void => {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (delayMs === 0) {
        to.write(chunk);
        return;
      }
      const wait = delayMs;
      queue = queue.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, wait),
          ),
      );
    });
  };

  const server: Server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    pass(client, upstream);
    pass(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cut = (): void => {
    isCut = true;
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    address: `127.0.0.1:${port}`,
    cut,
    restore() {
      isCut = false;
    },
    delay(ms) {
      delayMs = ms;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
