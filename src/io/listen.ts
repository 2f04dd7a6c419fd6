import type { AddressInfo, Server } from 'node:net';
import type { Transport } from './transport.js';

/** Binds a TCP server; rejects with a one-line reason (port in use, bad address). */
export function listen(
  transport: Transport,
  host: string | undefined,
  port: number,
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = transport.createServer();
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
