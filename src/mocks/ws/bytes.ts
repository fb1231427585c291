/** Payload conversions between what learner code passes and the bytes a frame carries. */
import { Buffer } from 'buffer';

// One UTF-8 pair for the shims and the wire's decoders.
export { utf8Bytes as utf8, utf8Text as text } from '../../shared/wire/bytes.js';

/** A copy, so later writes to the sender's buffer do not change a frame already sent (as on a real socket). */
export function copyOf(view: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (view instanceof ArrayBuffer || Object.prototype.toString.call(view) === '[object ArrayBuffer]') {
    return new Uint8Array((view as ArrayBuffer).slice(0));
  }
  const v = view as ArrayBufferView;
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
}

/** Buffer over the same bytes, as ws hands data to Node code. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Bytes on the wire for one frame (RFC 6455 §5.2): 2 header bytes, 2 or 8 more for a payload over 125 or 65,535
 * bytes, and a 4-byte mask on every client→server frame.
 */
export function frameSize(payload: number, masked: boolean): number {
  const length = payload <= 125 ? 0 : payload <= 0xffff ? 2 : 8;
  return 2 + length + (masked ? 4 : 0) + payload;
}

/** ArrayBuffer detection that works across realms (the run frame's ArrayBuffer is not this module's). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

export function isBlob(value: unknown): value is Blob {
  return Object.prototype.toString.call(value) === '[object Blob]' || Object.prototype.toString.call(value) === '[object File]';
}
