/**
 * An HTTP response as it reaches the client over the run's network: its head after the link's delay, then each chunk
 * of its body after its own, in order. The body is read as the server writes it (not as the client pulls), so a burst
 * of SSE events travels together instead of each waiting a full latency behind the one before; but only while less
 * than WINDOW_BYTES is on its way or arrived and unread, as a TCP connection's buffers hold only so much. A client that
 * reads slowly then holds the server back: its stream fills, `res.write()` returns false and 'drain' waits for reads.
 */
import { InOrder, type Link } from '../../shared/network-link.js';
import { DELIVERY_HEADER, type PageReads } from './page-reads.js';
import { utf8Length } from '../../shared/wire/bytes.js';

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
  /** The page's reads of its fetch bodies: once the page's fetch has the response, they pace the window. */
  reads?: PageReads;
}

/**
 * What the way to the client holds for a reader that does not read: in flight plus arrived and unread. A socket's
 * buffers on loopback hold megabytes (measured: about 3.9 MB between two Node processes before the writer's buffer
 * grows), and the browser's own behind a service worker about 31 MB, which is why what counts is what the page's code
 * has read (page-reads.ts). A smaller window shows the same thing, sooner.
 */
export const WINDOW_BYTES = 64 * 1024;

function headSize(response: Response): number {
  let n = `HTTP/1.1 ${response.status} ${response.statusText}\r\n\r\n`.length;
  response.headers.forEach((value, name) => (n += utf8Length(`${name}: ${value}\r\n`)));
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
  /** Read from the server's stream, not yet enqueued for the client (the link's delay). */
  let inFlight = 0;
  /** Enqueued for the client in all, and what the page's code has read of it (known once the page's fetch has it). */
  let delivered = 0;
  let readByPage = 0;
  let paced = false;
  /** Wakes the pump when the client has read, or the connection is gone. */
  let wake: (() => void) | undefined;
  const nudge = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Without conditions a chunk goes on at once, as it did before the network panel existed; once one waits, the
  // chunks after it wait their turn too.
  const inOrder = new InOrder();
  const at = (wait: number, run: () => void) =>
    inOrder.at(wait, () => {
      if (!options.silent?.()) run();
    });

  const ticket = options.reads?.open({
    claimed: () => {
      paced = true;
      nudge();
    },
    read: (bytes) => {
      readByPage += bytes;
      nudge();
    },
  });
  void finished.then(() => ticket?.close());

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
    nudge();
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
          // The client took bytes: there may be room in the window again.
          pull: nudge,
          cancel: (reason) => {
            dead = true;
            nudge();
            finish();
            return reader?.cancel(reason);
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: WINDOW_BYTES }),
      );
      void pump(reader);
      await later(headDelay);
      const headers = new Headers(answer.headers);
      if (ticket) headers.set(DELIVERY_HEADER, ticket.id);
      if (!dead && !options.silent?.()) resolve(new Response(body, { status: answer.status, statusText: answer.statusText, headers }));
    });
  });

  /**
   * Whether the window has room: what is still travelling, and what arrived and the page has not read, below
   * WINDOW_BYTES. Until a page's fetch has the response (and for an EventSource, which never will) "read" can only
   * mean taken from our stream by the service worker.
   */
  const room = () => (paced ? WINDOW_BYTES - inFlight - (delivered - readByPage) : (controller?.desiredSize ?? 1) - inFlight) > 0;

  async function pump(from: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    for (;;) {
      // Not reading the server's stream is what lets its queue fill and its writes return false.
      while (!dead && !room()) await new Promise<void>((resolve) => (wake = resolve));
      if (dead) return;
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
      inFlight += bytes.length;
      at(wait, () => {
        // Not reached on a silent link (see `at`): the window stays full and the server's writes back up, as a
        // TCP sender's do when nothing is acknowledged any more.
        inFlight -= bytes.length;
        if (dead) return;
        if (lostHere) {
          options.lost();
          cut();
          return;
        }
        try {
          controller?.enqueue(bytes);
          delivered += bytes.length;
        } catch {
          // cancelled by the client
        }
        // Handed straight to a waiting read, the bytes take no room in the queue.
        nudge();
      });
    }
  }

  return { response, cut, finished };
}
