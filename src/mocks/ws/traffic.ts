/**
 * The server side of WebSocket traffic, as the inspector shows it (observer 'server', transport 'ws'), and the wire
 * under it ('bytes' events, see ../wire-tap.ts): the upgrade request, the 101 as ws writes it, every frame as RFC 6455
 * puts it on the wire (the client's masked with a fresh key, the server's unmasked), and the end of TCP.
 */
import type { RuntimeContext } from '../context.js';
import { WireTap } from '../wire-tap.js';
import { closePayload, encodeFrame } from '../../shared/wire/websocket-frames.js';
import { wireName } from '../http/wire-head.js';
import { BODY_LIMIT, hexOf, previewOf, sourceDetails, type Direction, type SourceLookup, type TrafficDetails, type Transport } from '../../shared/traffic.js';
import { frameSize, text } from './bytes.js';
import { note, type NoteKey } from '../notes.js';
import { utf8Length } from '../../shared/wire/bytes.js';

/**
 * How a server describes its frames in the traffic. socket.io's shim passes its own transport and decodes each frame
 * into Engine.IO/Socket.IO details; a plain ws server reports raw frames.
 */
export interface TrafficLabel {
  transport: Transport;
  describe?(payload: string | Uint8Array, direction: 'c2s' | 's2c'): TrafficDetails;
}

export const PLAIN_WS: TrafficLabel = { transport: 'ws' };

export class ConnectionTraffic {
  #wire: WireTap | undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    readonly conn: string,
    readonly party: string,
    private readonly label: TrafficLabel,
  ) {}

  private emit(direction: Direction, kind: 'open' | 'frame' | 'close' | 'error', bytes: number, preview: string, details: TrafficDetails, body?: string): void {
    this.ctx.report({
      time: this.ctx.now(),
      party: this.party,
      observer: 'server',
      conn: this.conn,
      transport: this.label.transport,
      direction,
      kind,
      bytes,
      preview,
      ...(body === undefined ? {} : { body }),
      details,
    });
  }

  /** The opening handshake: the upgrade request and its 101 answer, raw, as one event. */
  open(url: string, requestLines: string, responseHeaders: Record<string, string>): void {
    const response =
      'HTTP/1.1 101 Switching Protocols\r\n' +
      Object.entries(responseHeaders)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n';
    const raw = requestLines + response;
    if (this.ctx.recordWire !== false) this.#wire = new WireTap(this.ctx, portOf(requestLines), this.party);
    // No HTTP request is made in browser mode: this is the head Chromium would send, as the shim gives it to server.js.
    this.#wire?.write('c2s', new TextEncoder().encode(respell(requestLines)), true);
    this.#wire?.write('s2c', new TextEncoder().encode(response));
    this.emit('none', 'open', raw.length, `GET ${url} → 101 Switching Protocols`, {
      method: 'GET',
      url,
      status: 101,
      statusText: 'Switching Protocols',
      headers: responseHeaders,
    }, raw);
  }

  /** The learner's line that is making a frame now, for a frame reported when it is delivered (later). */
  here(): SourceLookup {
    return this.ctx.callSite?.();
  }

  frame(direction: 'c2s' | 's2c', payload: Uint8Array, binary: boolean, control?: 'ping' | 'pong', source?: SourceLookup): void {
    // A server frame's line, asked once for the wire and the event (the event's report would ask again otherwise).
    if (source === undefined && this.#wire && direction === 's2c') source = this.here();
    this.#writeFrame(direction, control === 'ping' ? 0x9 : control === 'pong' ? 0xa : binary ? 0x2 : 0x1, payload, source);
    const decoded = binary ? payload : text(payload);
    const extra = this.label.describe?.(decoded, direction) ?? {};
    const body = binary ? hexOf(payload) : (decoded as string).slice(0, BODY_LIMIT);
    const preview = control
      ? `${control}${payload.length ? ' ' + previewOf(binary ? hexOf(payload, 32) : (decoded as string)) : ''}`
      : binary
        ? `Binary ${payload.length} B: ${hexOf(payload, 32)}`
        : previewOf(decoded as string);
    this.emit(direction, 'frame', frameSize(payload.length, direction === 'c2s'), preview, {
      binary,
      ...(control ? { note: control } : {}),
      ...sourceDetails(source),
      ...extra,
    }, body);
  }

  /** A close frame (`wasClean` set on the one that completes the handshake), or 1006 with no frame at all. */
  close(direction: Direction, code: number, reason: string, wasClean?: boolean, hasCode = true): void {
    if (direction === 'none') this.#wire?.end('s2c', 'droppedWithoutHandshake');
    else {
      const source = this.#wire && direction === 's2c' ? this.here() : undefined;
      this.#writeFrame(direction, 0x8, closePayload(hasCode ? code : undefined, reason), source);
      // ws ends TCP once both close frames have crossed (the frame that completes the handshake).
      if (wasClean) this.#wire?.end('s2c', 'closingHandshakeComplete');
    }
    const reasonBytes = utf8Length(reason);
    const bytes = direction === 'none' ? 0 : frameSize(hasCode ? 2 + reasonBytes : 0, direction === 'c2s');
    this.emit(direction, 'close', bytes, `${code}${reason ? ' ' + previewOf(reason) : ''}`, {
      code,
      reason,
      ...(wasClean === undefined ? {} : { wasClean }),
    });
  }

  #writeFrame(direction: 'c2s' | 's2c', opcode: number, payload: Uint8Array, source?: SourceLookup): void {
    if (!this.#wire) return;
    const masked = direction === 'c2s';
    this.#wire.writeOf(
      direction,
      frameSize(payload.length, masked),
      // A browser masks every frame with a fresh random key (RFC 6455 §5.3); a server never masks.
      () => encodeFrame(masked ? { opcode, payload, mask: freshMask() } : { opcode, payload }),
      false,
      source,
    );
  }

  error(key: Extract<NoteKey, 'verifyClientRefused' | 'noSubprotocol' | 'closingWith1009'>, values: Record<string, string>): void {
    const message = note(this.ctx.lang, key, values);
    this.emit('none', 'error', 0, previewOf(message), { note: message });
  }
}

/**
 * Random bytes drawn a kilobyte at a time, four per masked frame: a `crypto.getRandomValues` call for each of a
 * flood's kept frames cost 3.1 µs, against 0.4 µs from the pool (`npm run bench:page-costs`).
 */
const maskPool = new Uint8Array(1024);
let maskAt = maskPool.length;

/** A masking key of its own, four bytes of the pool no other frame got. */
function freshMask(): Uint8Array {
  if (maskAt >= maskPool.length) {
    crypto.getRandomValues(maskPool);
    maskAt = 0;
  }
  return maskPool.slice(maskAt, (maskAt += 4));
}

function portOf(requestLines: string): number {
  const m = /\r\nhost: [^\r]*:(\d+)\r\n/i.exec(requestLines);
  return m ? Number(m[1]) : 80;
}

/** The head with its header names as Chromium spells them (the shim keeps them lower-case, as Node's req.headers). */
function respell(requestLines: string): string {
  return requestLines.replace(/\r\n([^:\r\n]+):/g, (_, name: string) => `\r\n${wireName(name)}:`);
}
