/**
 * WebSocket frames (RFC 6455 §5.2), read from one direction of a connection chunk by chunk, and written the way a
 * server or a browser writes them.
 *
 * Our own rather than `ws`'s Receiver/Sender: those are Node streams over Buffer (not in the page), a Receiver ends the
 * connection at the first protocol error and hands over only whole messages, while the views need every frame as it
 * was, its header fields, a frame cut across TCP chunks, and a bad frame shown rather than thrown.
 */
import type { Localized } from './problems.js';
import { concat, utf8Bytes, utf8Text } from './bytes.js';

export const OPCODES: Record<number, string> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

export interface WebSocketFrame {
  type: 'frame';
  fin: boolean;
  /** RSV1–3 as a 3-bit number (RSV1 is set by permessage-deflate). */
  rsv: number;
  opcode: number;
  opcodeName: string;
  masked: boolean;
  /** The masking key, when masked. */
  mask?: Uint8Array;
  /** The payload length the header declares (7, 7+16 or 7+64 bits). */
  length: number;
  /** Which length encoding the header used: 7 (≤ 125), 16 (126) or 64 (127). */
  lengthBits: 7 | 16 | 64;
  /** The payload, unmasked. */
  payload: Uint8Array;
  /** Close frames: the status code (absent: the frame carried none, reported as 1005) and the reason. */
  closeCode?: number;
  closeReason?: string;
  /** Bytes of the frame on the wire, header included. */
  wire: number;
}

export type FrameRecord = WebSocketFrame | { type: 'error'; message: Localized; wire: number };

/** Frames longer than this are reported as too long rather than buffered (the record keeps at most 64 KiB anyway). */
export const FRAME_LIMIT = 16 * 1024 * 1024;

export class WebSocketFrameDecoder {
  #pending: Uint8Array = new Uint8Array(0);
  #broken = false;

  /** `from`: who writes this direction. Client frames must be masked and server frames must not (§5.1). */
  constructor(readonly from: 'client' | 'server') {}

  feed(chunk: Uint8Array): FrameRecord[] {
    const out: FrameRecord[] = [];
    if (this.#broken) return out;
    let data = concat(this.#pending, chunk);
    this.#pending = new Uint8Array(0);
    while (data.length) {
      const frame = this.#read(data);
      if (frame === undefined) {
        this.#pending = data.slice();
        break;
      }
      out.push(frame);
      if (frame.type === 'error') {
        this.#broken = true;
        break;
      }
      data = data.subarray(frame.wire);
    }
    return out;
  }

  get buffered(): number {
    return this.#pending.length;
  }

  #read(data: Uint8Array): FrameRecord | undefined {
    if (data.length < 2) return undefined;
    const b0 = data[0]!;
    const b1 = data[1]!;
    const fin = (b0 & 0x80) !== 0;
    const rsv = (b0 >> 4) & 0x7;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let offset = 2;
    let lengthBits: 7 | 16 | 64 = 7;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = (data[2]! << 8) | data[3]!;
      offset = 4;
      lengthBits = 16;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      const high = ((data[2]! << 24) >>> 0) + (data[3]! << 16) + (data[4]! << 8) + data[5]!;
      const low = ((data[6]! << 24) >>> 0) + (data[7]! << 16) + (data[8]! << 8) + data[9]!;
      if (high & 0x80000000) return this.#error({ en: 'the most significant bit of a 64-bit length is set', zh: '64 位长度的最高位是 1' }, data.length);
      length = high * 2 ** 32 + low;
      offset = 10;
      lengthBits = 64;
    }
    const name = OPCODES[opcode];
    if (name === undefined) return this.#error({ en: `reserved opcode 0x${opcode.toString(16)}`, zh: `保留的操作码 0x${opcode.toString(16)}` }, data.length);
    if (opcode >= 0x8 && (!fin || length > 125)) {
      return this.#error(
        {
          en: `a ${name} frame must be final and at most 125 bytes (FIN ${fin ? 1 : 0}, length ${length})`,
          zh: `${name} 帧必须是最后一帧，且不超过 125 字节（FIN ${fin ? 1 : 0}，长度 ${length}）`,
        },
        data.length,
      );
    }
    if (length > FRAME_LIMIT) return this.#error({ en: `a frame of ${length} bytes: longer than this view reads`, zh: `${length} 字节的帧：超出了这个视图读取的长度` }, data.length);
    if (this.from === 'client' && !masked) return this.#error({ en: 'a client frame without a mask (RFC 6455 §5.1)', zh: '客户端的帧没有掩码（RFC 6455 §5.1）' }, data.length);
    if (this.from === 'server' && masked) return this.#error({ en: 'a masked server frame (RFC 6455 §5.1)', zh: '服务器的帧带了掩码（RFC 6455 §5.1）' }, data.length);
    let mask: Uint8Array | undefined;
    if (masked) {
      if (data.length < offset + 4) return undefined;
      mask = data.slice(offset, offset + 4);
      offset += 4;
    }
    if (data.length < offset + length) return undefined;
    const payload = data.slice(offset, offset + length);
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    const frame: WebSocketFrame = {
      type: 'frame',
      fin,
      rsv,
      opcode,
      opcodeName: name,
      masked,
      length,
      lengthBits,
      payload,
      wire: offset + length,
      ...(mask ? { mask } : {}),
    };
    if (opcode === 0x8) {
      if (length === 1) return this.#error({ en: 'a close frame with a 1-byte payload', zh: '关闭帧的负载只有 1 个字节' }, data.length);
      if (length >= 2) {
        frame.closeCode = (payload[0]! << 8) | payload[1]!;
        frame.closeReason = utf8Text(payload.subarray(2));
      }
    }
    return frame;
  }

  #error(message: Localized, wire: number): FrameRecord {
    return { type: 'error', message, wire };
  }
}

export interface FrameToWrite {
  opcode: number;
  payload: Uint8Array;
  fin?: boolean;
  /** A mask key makes a client frame; without one the frame is a server's, unmasked. */
  mask?: Uint8Array;
}

/** The bytes of one frame as a sender puts it on the wire. */
export function encodeFrame(frame: FrameToWrite): Uint8Array {
  const { payload, mask } = frame;
  const n = payload.length;
  const lengthBytes = n <= 125 ? 0 : n <= 0xffff ? 2 : 8;
  const out = new Uint8Array(2 + lengthBytes + (mask ? 4 : 0) + n);
  out[0] = (frame.fin === false ? 0 : 0x80) | (frame.opcode & 0x0f);
  out[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? n : lengthBytes === 2 ? 126 : 127);
  let offset = 2;
  if (lengthBytes === 2) {
    out[2] = n >> 8;
    out[3] = n & 0xff;
    offset = 4;
  } else if (lengthBytes === 8) {
    const high = Math.floor(n / 2 ** 32);
    out[2] = high >>> 24;
    out[3] = (high >> 16) & 0xff;
    out[4] = (high >> 8) & 0xff;
    out[5] = high & 0xff;
    out[6] = n >>> 24;
    out[7] = (n >> 16) & 0xff;
    out[8] = (n >> 8) & 0xff;
    out[9] = n & 0xff;
    offset = 10;
  }
  if (mask) {
    out.set(mask.subarray(0, 4), offset);
    offset += 4;
    for (let i = 0; i < n; i++) out[offset + i] = payload[i]! ^ mask[i & 3]!;
  } else {
    out.set(payload, offset);
  }
  return out;
}

/** A close frame's payload: the code, big-endian, then the reason in UTF-8; none when there is no code. */
export function closePayload(code: number | undefined, reason: string | Uint8Array = ''): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = typeof reason === 'string' ? utf8Bytes(reason) : reason;
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}
