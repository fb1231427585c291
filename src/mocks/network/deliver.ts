/**
 * An HTTP response as it reaches the client over the run's network: its head after the link's delay, then each chunk
 * of its body after its own, in order. The body is read as the server writes it (not as the client pulls), so a burst
 * of SSE events travels together instead of each waiting a full latency behind the one before.
 */
import type { Link } from '../../shared/network-link.js';

export interface Delivery {
  response: Promise<Response>;
  /** The connection dies: what has not arrived never will, and the client's read fails with a network error. */
  cut(): void;
  /** Resolves once the client has all of the response, or it failed, or was cancelled. */
  finished: Promise<void>;
}

export interface DeliveryOptions {
  link: Link;
  /** Whether a chunk is lost on the way (the connection dies with it). */
  drops(): boolean;
  /** A chunk was lost: end the exchange at the server too. */
  lost(): void;
  /** The network panel left the way to the client half-open: nothing more arrives, not even the end or a reset. */
  silent?(): boolean;
}

const encoder = new TextEncoder();

function headSize(response: Response): number {
  let n = `HTTP/1.1 ${response.status} ${response.statusText}\r\n\r\n`.length;
  response.headers.forEach((value, name) => (n += encoder.encode(`${name}: ${value}\r\n`).length));
  return n;
}

const later = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : resolve()));

export function deliver(source: Promise<Response>, options: DeliveryOptions): Delivery {
  const { link } = options;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let dead = false;
  let eventStream = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let failHead: (() => void) | undefined;
  // Without conditions a chunk goes on at once, as it did before the network panel existed; once one waits, the
  // chunks after it wait their turn too.
  let pending = 0;
  const arrive = (run: () => void) => () => {
    if (!options.silent?.()) run();
  };
  const at = (wait: number, run: () => void) => {
    if (wait <= 0 && pending === 0) return arrive(run)();
    pending++;
    setTimeout(() => {
      pending--;
      arrive(run)();
    }, wait);
  };

  const cut = () => {
    if (dead) return;
    dead = true;
    failHead?.();
    try {
      // See ServerResponse.cut: an EventSource reconnects after a stream that ends, gives up after one that errors.
      if (eventStream) controller?.close();
      else controller?.error(new TypeError('network error'));
    } catch {
      // already closed
    }
    reader?.cancel().catch(() => {});
    finish();
  };

  const response = new Promise<Response>((resolve) => {
    failHead = () => resolve(Response.error());
    void source.then(async (answer) => {
      if (answer.type === 'error' || !answer.body) {
        await later(link.delay(answer.type === 'error' ? 0 : headSize(answer)));
        if (!dead && !options.silent?.()) resolve(answer);
        finish();
        return;
      }
      eventStream = (answer.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
      const headDelay = link.delay(headSize(answer));
      reader = answer.body.getReader();
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => {
            controller = c;
          },
          cancel: (reason) => {
            dead = true;
            finish();
            return reader?.cancel(reason);
          },
        },
        { highWaterMark: 64 },
      );
      void pump(reader);
      await later(headDelay);
      if (!dead && !options.silent?.()) resolve(new Response(body, { status: answer.status, statusText: answer.statusText, headers: answer.headers }));
    });
  });

  async function pump(from: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await from.read();
      } catch {
        // The server destroyed the stream: the client's read fails once what came before it has arrived.
        at(link.delay(0), cut);
        return;
      }
      if (dead) return;
      if (chunk.done) {
        at(link.delay(0), () => {
          if (dead) return;
          try {
            controller?.close();
          } catch {
            // cancelled
          }
          finish();
        });
        return;
      }
      const bytes = chunk.value;
      const wait = link.delay(bytes.length);
      const lostHere = options.drops();
      at(wait, () => {
        if (dead) return;
        if (lostHere) {
          options.lost();
          cut();
          return;
        }
        try {
          controller?.enqueue(bytes);
        } catch {
          // cancelled by the client
        }
      });
    }
  }

  return { response, cut, finished };
}
