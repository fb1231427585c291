/**
 * Byte helpers the wire decoders and both producers share. `atob`/`btoa` exist in every runtime this code runs in
 * (the page, the run frame, Node ≥ 16), so no Buffer is needed on the page's side.
 */

/**
 * The engine's own base64 (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64: Chromium 140+, Firefox 133+,
 * Safari 18.2+; not Node 20), where it has it: the string-building fallback was 3% of the page's thread in a
 * WebSocket or SSE flood with the wire recorded (bench:mocks --profile).
 */
const native = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array; prototype: { toBase64?: () => string } };
const nativeToBase64 = typeof native.prototype.toBase64 === 'function';
const nativeFromBase64 = typeof native.fromBase64 === 'function';

/** base64 of `bytes` (a 'bytes' event's details.raw). */
export function toBase64(bytes: Uint8Array): string {
  if (nativeToBase64) return (bytes as Uint8Array & { toBase64(): string }).toBase64();
  let binary = '';
  // In slices: String.fromCharCode(...a) on 64 KiB would overflow the argument stack in some engines.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of a base64 text; undefined when it is not base64 (a record from elsewhere must not throw). */
export function fromBase64(text: string): Uint8Array | undefined {
  try {
    if (nativeFromBase64) return native.fromBase64!(text);
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

export function utf8Text(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/**
 * How many bytes `utf8Bytes(text)` would give, without making them: the taps size every message of a flood, and an
 * encode allocates an array per message for a number (bench:mocks --profile). A lone surrogate counts as the three
 * bytes of the U+FFFD that TextEncoder writes for it.
 */
export function utf8Length(text: string): number {
  const { length } = text;
  let n = length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: two units, four bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** One byte per character: HTTP heads are read this way, so a stray non-ASCII byte cannot shift the offsets. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/**
 * The start of a chunk as one line of text, for the one-line preview every traffic event has: enough of an HTTP head
 * or an SSE block to recognise it; line feeds shown as ↵, other control and non-ASCII bytes as ·. Both runtimes' wire
 * records use it (browser mode's wire tap, real mode's records on the page).
 */
export function bytesPreview(bytes: Uint8Array, limit = 120): string {
  let out = '';
  for (const c of bytes.subarray(0, limit)) {
    if (c === 10) out += '↵';
    else if (c !== 13) out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '·';
  }
  return out;
}

function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * JSON of decoded arguments with each binary one as `binary` words its length (the bytes themselves are in the packet
 * that carried them); a value JSON cannot hold (a cycle, a BigInt) as String() gives it.
 */
export function jsonShowingBinary(value: unknown, binary: (bytes: number) => string): string {
  try {
    // The holder's own value, not `v`: a Buffer (what a Node-style handler receives) has a toJSON that JSON.stringify
    // calls before the replacer, which would then see {type: 'Buffer', data: [...]}.
    return (
      JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
        const raw = this[key];
        // `v` too: what a toJSON of the learner's own gives back may itself be binary.
        const bytes = isBinary(raw) ? raw : isBinary(v) ? v : undefined;
        return bytes ? binary(bytes.byteLength) : v;
      }) ?? ''
    );
  } catch {
    return String(value);
  }
}
