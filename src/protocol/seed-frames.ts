import { isUtf8 } from 'node:buffer';

/**
 * The wire of the original Python exercise (see ../shared/SEED.md's facts):
 * each frame a 2-byte big-endian length, then that many bytes of UTF-8 text;
 * a length of 0 ends the connection. Every frame's text, notices included,
 * reads `[<local time>] <name>:\n\t<text>`.
 *
 * Sturdier than the original: frames split across TCP segments are put back
 * together, and bytes that do not make a frame (not UTF-8, not that shape)
 * are skipped up to the next offset where a length is followed by `[` and
 * the frame it gives is one — counted, so the link can warn once with the count.
 */

/** The longest frame text the wire can carry. */
export const MAX_SEED_FRAME_BYTES = 0xffff;

/** A frame's text as the original writes it: its time, its sender's name, the line. */
export interface SeedLine {
  readonly time: string;
  readonly name: string;
  readonly text: string;
}

const SHAPE = /^\[([^\]\n]{1,64})\] ([^\n]{1,64}):\n\t([\s\S]*)$/;
const OPEN_BRACKET = 0x5b;

/** The parts of a frame's text, or undefined when it is not `[<time>] <name>:\n\t<text>`. */
export function parseSeedText(text: string): SeedLine | undefined {
  const match = SHAPE.exec(text);
  if (match === null) return undefined;
  const [, time = '', name = '', line = ''] = match;
  return { time, name, text: line };
}

/** The text of a frame: `[<time>] <name>:\n\t<text>`. */
export function seedText(line: SeedLine): string {
  return `[${line.time}] ${line.name}:\n\t${line.text}`;
}

/** One frame on the wire: the length, then the text's bytes. */
export function encodeSeedFrame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  if (body.length > MAX_SEED_FRAME_BYTES)
    throw new RangeError(`a frame of ${body.length} bytes does not fit the original's wire`);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** The frame that ends a connection: a length of 0. */
export function seedEnd(): Buffer {
  return Buffer.from([0, 0]);
}

/**
 * A line as frames of at most `maxBytes` each (the original reads a frame
 * with one `recv`, and misreads one that TCP splits): each piece is a frame
 * of its own, with the same time and name, cut between characters.
 */
export function seedFrames(line: SeedLine, maxBytes = 1000): Buffer[] {
  const head = Buffer.byteLength(seedText({ ...line, text: '' }));
  const room = Math.max(1, maxBytes - head);
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const char of line.text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > room && piece !== '') {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += char;
    bytes += size;
  }
  pieces.push(piece);
  return pieces.map((text) => encodeSeedFrame(seedText({ ...line, text })));
}

/** What the decoder holds between chunks: the bytes not yet a whole frame. */
export interface SeedDecoderState {
  readonly carry: Buffer;
}

export const emptySeedDecoder: SeedDecoderState = { carry: Buffer.alloc(0) };

export interface SeedDecoded {
  readonly state: SeedDecoderState;
  /** The frames' texts, in order. */
  readonly lines: readonly SeedLine[];
  /** Bytes skipped as junk in this chunk. */
  readonly junkBytes: number;
  /** A length of 0 came: the peer ends the connection (what follows is ignored). */
  readonly ended: boolean;
}

/** The frame at `at` in `bytes`: its line and its end, 'short' when it is not all here, or undefined when it is junk. */
function frameAt(bytes: Buffer, at: number): { line: SeedLine; end: number } | 'short' | undefined {
  if (at + 2 > bytes.length) return 'short';
  const length = bytes.readUInt16BE(at);
  const end = at + 2 + length;
  if (end > bytes.length)
    return at + 2 < bytes.length && bytes[at + 2] !== OPEN_BRACKET ? undefined : 'short';
  const body = bytes.subarray(at + 2, end);
  if (body[0] !== OPEN_BRACKET || !isUtf8(body)) return undefined;
  const line = parseSeedText(body.toString('utf8'));
  return line === undefined ? undefined : { line, end };
}

/** The next offset from `from` where a length is followed by `[` and makes a whole frame. */
function wholeFrameFrom(bytes: Buffer, from: number): number | undefined {
  for (let at = from; at + 2 < bytes.length; at++) {
    if (bytes[at + 2] !== OPEN_BRACKET) continue;
    const frame = frameAt(bytes, at);
    if (frame !== undefined && frame !== 'short') return at;
  }
  return undefined;
}

/** Where to go on from junk at `from`: the next whole frame, else the first that may be one once more comes. */
function resync(bytes: Buffer, from: number): number {
  const whole = wholeFrameFrom(bytes, from);
  if (whole !== undefined) return whole;
  for (let at = from; at + 2 < bytes.length; at++)
    if (bytes[at + 2] === OPEN_BRACKET && frameAt(bytes, at) === 'short') return at;
  return Math.max(from, bytes.length - 2);
}

/** Takes a chunk from the socket: the whole frames in it (with what was carried), junk skipped. */
export function decodeSeedChunk(state: SeedDecoderState, chunk: Buffer): SeedDecoded {
  const bytes = state.carry.length === 0 ? chunk : Buffer.concat([state.carry, chunk]);
  const lines: SeedLine[] = [];
  let junkBytes = 0;
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 <= bytes.length && bytes.readUInt16BE(at) === 0)
      return { state: emptySeedDecoder, lines, junkBytes, ended: true };
    const frame = frameAt(bytes, at);
    if (frame === 'short') {
      // Not all here yet — unless a whole frame follows: then this was a junk length.
      const whole = wholeFrameFrom(bytes, at + 1);
      if (whole === undefined) break;
      junkBytes += whole - at;
      at = whole;
      continue;
    }
    if (frame === undefined) {
      const next = resync(bytes, at + 1);
      junkBytes += next - at;
      at = next;
      continue;
    }
    lines.push(frame.line);
    at = frame.end;
  }
  return { state: { carry: Buffer.from(bytes.subarray(at)) }, lines, junkBytes, ended: false };
}
