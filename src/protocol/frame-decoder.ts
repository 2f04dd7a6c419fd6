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
      if (result.lines.length > 0) parser.write(result.lines);
      return true;
    },
  };
}
