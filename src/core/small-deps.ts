import type { Vector, VectorRecord } from './delivery.js';

/**
 * A burst's `deps`, small: of what this node has delivered from the streams
 * present (`full`), only the entries that changed since its previous burst
 * (`sent`). Sound because a stream's message n is delivered only after n − 1,
 * whose deps carried the rest. Returns the deps and what to remember as sent.
 */
export function changedDeps(
  full: VectorRecord,
  sent: Vector,
): { readonly deps: VectorRecord; readonly sent: Vector } {
  const deps: Record<string, number> = {};
  const next = new Map<string, number>();
  for (const stream in full) {
    const seq = full[stream] ?? 0;
    next.set(stream, seq);
    if (sent.get(stream) !== seq) deps[stream] = seq;
  }
  return { deps, sent: next };
}

/** Only the entries of `record` whose stream is in `streams`. */
export function onlyOf(record: VectorRecord, streams: ReadonlySet<string>): VectorRecord {
  const out: Record<string, number> = {};
  for (const stream in record) if (streams.has(stream)) out[stream] = record[stream] ?? 0;
  return out;
}
