import type { EventEmitter } from 'node:events';
import { merge, Observable } from 'rxjs';
import type { NodeEvent } from '../core/event.js';

type LeaveSignal = 'SIGINT' | 'SIGTERM';

function signalEvents(
  process: EventEmitter,
  signal: LeaveSignal,
  clock: () => number,
): Observable<NodeEvent> {
  return new Observable<NodeEvent>((subscriber) => {
    const handler = (): void => subscriber.next({ kind: 'signal', at: clock(), signal });
    process.on(signal, handler);
    return () => {
      process.off(signal, handler);
    };
  });
}

/** SIGINT and SIGTERM as events; while subscribed they no longer kill the process. */
export function signalEvent$(process: EventEmitter, clock: () => number): Observable<NodeEvent> {
  return merge(signalEvents(process, 'SIGINT', clock), signalEvents(process, 'SIGTERM', clock));
}
