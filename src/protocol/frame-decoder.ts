import { parse as parseNdjson } from 'ndjson';
import type { Frame } from './frames.js';
import { MAX_FRAME_BYTES } from './frames.js';
import { emptyScreen, screenChunk } from './line-screen.js';
import { validateFrame } from './validate-frame.js';

export type DecodeProblem =
  | { readonly kind: 'oversize' }
  | { readonly kind: 'not-utf8' }
  | { readonly kind: 'not-json' }
  | { readonly kind: 'invalid'; readonly error: string };

export interface DecoderSink {
  frame(frame: Frame): void;
  problem(problem: DecodeProblem): void;
}

export interface FrameDecoder {
  /** Feeds bytes; returns false once the input broke the line limit (close the link). */
  write(chunk: Buffer): boolean;
}

/** A line whose JSON is `null`: ndjson would end its stream on it (every later line lost). */
const NULL_LINE = /^[ \t\r]*null[ \t\r]*$/;

/** The lines of `lines` but those that are JSON `null`, and how many those were. */
function withoutNulls(lines: Buffer): { readonly lines: Buffer; readonly nulls: number } {
  if (!lines.includes('null')) return { lines, nulls: 0 };
  const all = lines.toString('utf8').split('\n');
  const kept = all.filter((line) => !NULL_LINE.test(line));
  const nulls = all.length - kept.length;
  return { lines: nulls === 0 ? lines : Buffer.from(kept.join('\n')), nulls };
}

/**
 * Bytes in, validated frames out. The line screen runs first so that the
 * length limit and UTF-8 hold whatever ndjson would let through; ndjson then
 * splits and parses the lines it is given.
 */
export function createFrameDecoder(
  sink: DecoderSink,
  limit: number = MAX_FRAME_BYTES,
): FrameDecoder {
  let state = emptyScreen;
  let broken = false;
  const parser = parseNdjson({ strict: true });
  parser.on('data', function decoderOnData(value: unknown) {
    const checked = validateFrame(value);
    if (checked.ok) sink.frame(checked.frame);
    else sink.problem({ kind: 'invalid', error: checked.error });
  });
  // ndjson reports a line that is not JSON as an 'error' and carries on.
  parser.on('error', function decoderOnError() {
    sink.problem({ kind: 'not-json' });
  });

  return {
    write(chunk: Buffer): boolean {
      if (broken) return false;
      const result = screenChunk(state, chunk, limit);
      state = result.state;
      for (const problem of result.problems) sink.problem({ kind: problem });
      if (result.fatal) {
        broken = true;
        return false;
      }
      const { lines, nulls } = withoutNulls(result.lines);
      for (let n = 0; n < nulls; n++)
        sink.problem({ kind: 'invalid', error: 'frame is not a JSON object' });
      if (lines.length > 0) parser.write(lines);
      return true;
    },
  };
}
