/**
 * Browser mode's record of the wire: the bytes a Node server would read and write on one TCP connection, as 'bytes'
 * traffic events (observer 'server', transport 'tcp'), the same record real mode's preload makes of real sockets, so
 * one decoder (src/shared/wire/) serves both. The shims hand over the bytes they compute; this keeps at most
 * BODY_LIMIT of each chunk and counts the rest, so a flood costs no more memory than the buffer's bound.
 */
import { BODY_LIMIT, previewOf, type TrafficDetails } from '../shared/traffic.js';
import { bytesPreview, toBase64 } from '../shared/wire/bytes.js';
import type { RuntimeContext } from './context.js';

let connections = 0;


export class WireTap {
  readonly conn = `tcp#${++connections}`;

  constructor(
    private readonly ctx: RuntimeContext,
    /** The server's local port: a view tells the lesson's port from another by it. */
    private readonly port: number,
    private readonly party = 'client',
  ) {}

  /**
   * `rebuilt`: the bytes are browser mode's reconstruction (a request head missing the browser's own headers).
   * `source`: the line of server.js that wrote them, as real mode's record names it (server/child/wire-record.cjs).
   */
  write(direction: 'c2s' | 's2c', bytes: Uint8Array, rebuilt = false, source?: TrafficDetails['source']): void {
    if (!bytes.length) return;
    const kept = bytes.length > BODY_LIMIT ? bytes.subarray(0, BODY_LIMIT) : bytes;
    this.ctx.report({
      time: this.ctx.now(),
      party: this.party,
      observer: 'server',
      conn: this.conn,
      transport: 'tcp',
      direction,
      kind: 'bytes',
      bytes: bytes.length,
      preview: previewOf(bytesPreview(kept)),
      details: {
        raw: toBase64(kept),
        port: this.port,
        ...(kept.length < bytes.length ? { rawDropped: bytes.length - kept.length } : {}),
        ...(rebuilt ? { rebuilt } : {}),
        ...(source ? { source } : {}),
      },
    });
  }

  /** The connection ended (a zero-byte record, as a socket's end is seen: the decoders close what reads to the end). */
  end(direction: 'c2s' | 's2c', note: string): void {
    this.ctx.report({
      time: this.ctx.now(),
      party: this.party,
      observer: 'server',
      conn: this.conn,
      transport: 'tcp',
      direction: 'none',
      kind: 'close',
      bytes: 0,
      preview: note,
      details: { note: `${direction === 'c2s' ? 'client' : 'server'} ended the connection: ${note}` },
    });
  }
}
