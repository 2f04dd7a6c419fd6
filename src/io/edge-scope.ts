import type { SchedulerLike } from 'rxjs';
import { Subscription } from 'rxjs';
import { formatHostPort } from '../core/address.js';
import type { LinkSocket } from './transport.js';

/**
 * What the parts of the network edge share: the injected scheduler (its
 * clock and every timer) and every socket still open. `dispose` is the
 * teardown: it cancels every timer and destroys every socket that is left.
 */
export interface EdgeScope {
  /** The scheduler's clock: it stamps the events. */
  now(): number;
  /** Runs `work` after `ms` on the scheduler; `cancel` (or unsubscribe) stops it. */
  later(ms: number, work: () => void): Subscription;
  cancel(timer: Subscription): void;
  /** A socket the teardown destroys unless it closed before. */
  track(socket: LinkSocket): void;
  dispose(): void;
}

export function makeEdgeScope(scheduler: SchedulerLike): EdgeScope {
  /** Every pending timer; once disposed, a timer added is cancelled at once. */
  const timers = new Subscription();
  const open = new Set<LinkSocket>();
  const cancel = (timer: Subscription): void => {
    timer.unsubscribe();
    timers.remove(timer);
  };
  return {
    now: () => scheduler.now(),
    later(ms, work) {
      const timer = scheduler.schedule(() => {
        timers.remove(timer);
        work();
      }, ms);
      timers.add(timer);
      return timer;
    },
    cancel,
    track(socket) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
    },
    dispose() {
      timers.unsubscribe();
      for (const socket of open) socket.destroy();
    },
  };
}

/** The remote end of a socket, `host:port`, as events name it. */
export function remoteOf(socket: LinkSocket): string {
  return formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
}

/**
 * One connection's key, `address:port`: the same for the TCP socket and the
 * TLS socket that wraps it, which are two objects.
 */
export function connectionKey(socket: LinkSocket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
}
