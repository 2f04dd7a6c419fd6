import type { AddressInfo, Server } from 'node:net';
import { createServer } from 'node:net';

/**
 * Binds a TCP server, in an open room and a closed one alike (an accepted
 * socket's first byte decides whether TLS starts); rejects with a one-line
 * reason (port in use, bad address).
 */
export function listen(
  host: string | undefined,
  port: number,
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${host ?? 'all interfaces'} port ${port}`;
      const why =
        error.code === 'EADDRINUSE'
          ? 'the port is in use'
          : error.code === 'EADDRNOTAVAIL'
            ? 'the address is not available on this machine'
            : error.code === 'EACCES'
              ? 'permission denied'
              : error.message;
      reject(new Error(`cannot listen on ${where}: ${why}`));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
