import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/** Which way bytes flow through the proxy: to the side that dialled it, or to the node behind it. */
export type Toward = 'client' | 'upstream' | 'both';

export interface DropOptions {
  /** The direction whose bytes are dropped (default `client`: from the node behind the proxy). */
  readonly toward?: Toward;
  /** Bytes let through unchanged before the dropping starts (default 0). */
  readonly after?: number;
}

/**
 * A TCP proxy on 127.0.0.1 that tests put between two nodes to cut, delay and
 * restore one link on command. While cut, it closes every connection through it
 * and every new one at once, so redials fail until it is restored. It can also
 * lose bytes silently (`drop`): the connection stays up and the stream resumes
 * wherever the dropped bytes end, mid-line if that is where.
 */
export interface FaultProxy {
  readonly port: number;
  readonly address: string;
  cut(): void;
  restore(): void;
  /** Holds every chunk this long before passing it on (order kept). */
  delay(ms: number): void;
  /**
   * Silently drops the next `bytes` bytes flowing `toward` one side (or each of
   * both), after letting `after` bytes through, counted over every connection
   * from now on. Resolves once all of them are dropped (for `both`: each way).
   */
  drop(bytes: number, options?: DropOptions): Promise<void>;
  /**
   * Rewrites every line flowing `toward` one side on connections made from
   * now on: each whole line (without its `\n`) goes through `edit`, as a man in
   * the middle would change a frame in transit.
   */
  rewrite(toward: Direction, edit: (line: string) => string): void;
  close(): Promise<void>;
}

type Direction = 'client' | 'upstream';

/** Cuts a byte stream into lines and passes each through `edit`; a line's end may come later. */
export function lineEditor(edit: (line: string) => string): (chunk: Buffer) => Buffer {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    return Buffer.from(lines.map((line) => `${edit(line)}\n`).join(''), 'utf8');
  };
}

/** What is still to be let through and then dropped in one direction. */
interface DropPlan {
  pass: number;
  drop: number;
  done: () => void;
}

export async function startProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let isCut = false;
  let delayMs = 0;
  const plans = new Map<Direction, DropPlan>();
  const edits = new Map<Direction, (line: string) => string>();

  /** The part of `chunk` that survives the drop planned for `direction`. */
  const filter = (direction: Direction, chunk: Buffer): Buffer => {
    const plan = plans.get(direction);
    if (plan === undefined) return chunk;
    const kept = Math.min(plan.pass, chunk.length);
    plan.pass -= kept;
    const lost = Math.min(plan.drop, chunk.length - kept);
    plan.drop -= lost;
    if (plan.drop === 0) {
      plans.delete(direction);
      plan.done();
    }
    if (lost === 0) return chunk;
    return Buffer.concat([chunk.subarray(0, kept), chunk.subarray(kept + lost)]);
  };

  const pass = (from: Socket, to: Socket, direction: Direction): void => {
    let queue = Promise.resolve();
    const edit = edits.get(direction);
    const edited = edit === undefined ? (chunk: Buffer) => chunk : lineEditor(edit);
    from.on('data', (data: Buffer) => {
      const chunk = edited(filter(direction, data));
      if (chunk.length === 0) return;
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
    pass(client, upstream, 'upstream');
    pass(upstream, client, 'client');
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
  const planDrop = (direction: Direction, bytes: number, after: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (bytes <= 0) {
        plans.delete(direction);
        resolve();
        return;
      }
      plans.set(direction, { pass: after, drop: bytes, done: resolve });
    });
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
    drop(bytes, options = {}) {
      const toward = options.toward ?? 'client';
      const after = options.after ?? 0;
      const directions: Direction[] = toward === 'both' ? ['client', 'upstream'] : [toward];
      return Promise.all(directions.map((d) => planDrop(d, bytes, after))).then(() => undefined);
    },
    rewrite(toward, edit) {
      edits.set(toward, edit);
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The proxies one test file starts, to close after each test. */
export interface ProxyPool {
  /** A proxy to a node's port, closed by `closeAll`. */
  proxyTo(node: { readonly port: number }): Promise<FaultProxy>;
  closeAll(): Promise<void>;
}

export function proxyPool(): ProxyPool {
  const proxies: FaultProxy[] = [];
  return {
    async proxyTo(node) {
      const proxy = await startProxy(node.port);
      proxies.push(proxy);
      return proxy;
    },
    async closeAll() {
      await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    },
  };
}
