/**
 * The true counts of a run's wire, for the inspector's header: every byte each way as recorded ('bytes' events, the
 * server's record, which both runtimes make), and the HTTP requests among them, opening requests included (an
 * EventSource's GET, a WebSocket's upgrade), which the client's API taps cannot see as requests.
 *
 * Requests are counted from the request heads found in what the server read, with the one HTTP decoder; a
 * connection's decoder is dropped as soon as it is between messages, or once the connection switched protocols, so
 * 10,000 exchanges leave nothing behind.
 */
import type { TrafficEvent } from '../shared/traffic.js';
import { fromBase64 } from '../shared/wire/bytes.js';
import { HttpMessageDecoder } from '../shared/wire/http-message.js';

export class WireCounters {
  /** 'bytes' events counted: none means the run recorded no wire, and the API's figures are all there is. */
  chunks = 0;
  requests = 0;
  bytesUp = 0;
  bytesDown = 0;
  #reading = new Map<string, HttpMessageDecoder>();
  /** Connections past an upgrade: their bytes are frames, not requests. */
  #switched = new Set<string>();

  add(e: TrafficEvent): void {
    if (e.transport !== 'tcp' || e.observer !== 'server') return;
    if (e.kind === 'close') {
      this.#reading.delete(e.conn);
      this.#switched.delete(e.conn);
      return;
    }
    if (e.kind !== 'bytes') return;
    this.chunks++;
    if (e.direction === 's2c') {
      this.bytesDown += e.bytes;
      // A 101 (or any status line) ends the wait of an upgrade request: it switched if the status is 101.
      if (this.#reading.has(e.conn) && isSwitching(e.details.raw)) {
        this.#reading.delete(e.conn);
        this.#switched.add(e.conn);
      }
      return;
    }
    if (e.direction !== 'c2s') return;
    this.bytesUp += e.bytes;
    if (this.#switched.has(e.conn)) return;
    const bytes = e.details.raw ? fromBase64(e.details.raw) : undefined;
    if (!bytes) return;
    let decoder = this.#reading.get(e.conn);
    if (!decoder) this.#reading.set(e.conn, (decoder = new HttpMessageDecoder('request')));
    let between = false;
    for (const r of decoder.feed(bytes)) {
      if (r.type === 'head') this.requests++;
      between = r.type === 'end' || r.type === 'error';
    }
    // An upgrade request waits for its answer (the decoder holds what follows); any other may be forgotten.
    if (between && decoder.buffered === 0 && !decoder.awaitingUpgrade) this.#reading.delete(e.conn);
  }
}

/** Whether a chunk the server wrote starts with a 101 status line (16 base64 characters are its first 12 bytes). */
function isSwitching(raw: string | undefined): boolean {
  const start = raw ? fromBase64(raw.slice(0, 16)) : undefined;
  return !!start && String.fromCharCode(...start) === 'HTTP/1.1 101';
}
