/** The server side of WebSocket traffic, as the inspector shows it (observer 'server', transport 'ws'). */
import type { RuntimeContext } from '../context.js';
import { BODY_LIMIT, hexOf, previewOf, type Direction, type TrafficDetails, type Transport } from '../../shared/traffic.js';
import { frameSize, text } from './bytes.js';

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
    this.emit('none', 'open', raw.length, `GET ${url} → 101 Switching Protocols`, {
      method: 'GET',
      url,
      status: 101,
      statusText: 'Switching Protocols',
      headers: responseHeaders,
    }, raw);
  }

  frame(direction: 'c2s' | 's2c', payload: Uint8Array, binary: boolean, note?: string): void {
    const decoded = binary ? payload : text(payload);
    const extra = this.label.describe?.(decoded, direction) ?? {};
    const body = binary ? hexOf(payload) : (decoded as string).slice(0, BODY_LIMIT);
    const preview = note
      ? `${note}${payload.length ? ' ' + previewOf(binary ? hexOf(payload, 32) : (decoded as string)) : ''}`
      : binary
        ? `Binary ${payload.length} B: ${hexOf(payload, 32)}`
        : previewOf(decoded as string);
    this.emit(direction, 'frame', frameSize(payload.length, direction === 'c2s'), preview, {
      binary,
      ...(note ? { note } : {}),
      ...extra,
    }, body);
  }

  /** A close frame (`wasClean` set on the one that completes the handshake), or 1006 with no frame at all. */
  close(direction: Direction, code: number, reason: string, wasClean?: boolean, hasCode = true): void {
    const reasonBytes = new TextEncoder().encode(reason).length;
    const bytes = direction === 'none' ? 0 : frameSize(hasCode ? 2 + reasonBytes : 0, direction === 'c2s');
    this.emit(direction, 'close', bytes, `${code}${reason ? ' ' + previewOf(reason) : ''}`, {
      code,
      reason,
      ...(wasClean === undefined ? {} : { wasClean }),
    });
  }

  error(message: string): void {
    this.emit('none', 'error', 0, previewOf(message), { note: message });
  }
}
