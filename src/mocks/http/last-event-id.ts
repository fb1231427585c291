/**
 * Carries `Last-Event-ID` to the in-browser server.
 *
 * Chromium's EventSource keeps its last event ID and sends it when it reconnects, but a request that goes through the
 * service worker reaches the handler without that header (measured; docs/differences.md lists it with the rest). A Node
 * server reads it from `req.headers['last-event-id']` to replay what the client missed, so the runtime supplies it.
 *
 * The EventSource interface does not expose its last event ID (only each MessageEvent does, and an `id:` block
 * without data dispatches no event at all), so it is computed here from what the server sent, with the spec's rules
 * (WHATWG HTML §9.2.6): an `id` line sets the ID buffer unless its value holds U+0000, an empty value resets it, and
 * the buffer becomes the source's last event ID at each blank line. To give it to the right client, the frame's
 * EventSource is replaced by a Proxy that only remembers its instances: a stream request is bound to the instance
 * of the same URL that is connecting (readyState 0) and has no open stream, and its ID travels with that instance.
 * Remembering the last ID per URL instead would hand an old ID to a new EventSource created after the first was closed
 * in its onerror (that close never reaches the server: the stream had already ended).
 * Limit: two instances of one URL connecting at the same moment are told apart by creation order only; clients in
 * other frames are tracked if `track(win)` is called for their window.
 */
export interface StreamBinding {
  /** The header to give the handler, '' for none (the browser sends none for an empty ID). */
  readonly lastEventId: string;
  /** A complete event block (ending with its blank line) that the server sent on this stream. */
  sent(block: string): void;
  ended(): void;
}

const ID_LINE = /^id(?::( ?)(.*))?$/;

export class LastEventIdTracker {
  #instances = new Set<WeakRef<EventSource>>();
  #lastId = new WeakMap<EventSource, string>();
  #streaming = new WeakSet<EventSource>();
  #uninstalls: Array<() => void> = [];

  /**
   * Replaces `win.EventSource` by a Proxy whose construct trap only remembers each instance: everything else passes
   * through, so `instanceof`, the statics, the prototype and a learner's subclass stay the native ones.
   */
  track(win: Window & typeof globalThis): void {
    const Native = win.EventSource;
    const instances = this.#instances;
    const tracked: typeof EventSource = new Proxy(Native, {
      construct(target, args, newTarget) {
        const source = Reflect.construct(target, args, newTarget === tracked ? target : newTarget) as EventSource;
        instances.add(new WeakRef(source));
        return source;
      },
    });
    win.EventSource = tracked;
    this.#uninstalls.push(() => {
      if (win.EventSource === tracked) win.EventSource = Native;
    });
  }

  /** Binds an event-stream request for `url` to the EventSource that is making it, if it is one we track. */
  claim(url: string): StreamBinding | undefined {
    const source = this.#connecting(url);
    if (!source) return undefined;
    this.#streaming.add(source);
    let buffer = this.#lastId.get(source) ?? '';
    return {
      lastEventId: buffer,
      sent: (block) => {
        for (const line of block.split(/\r\n|\r|\n/)) {
          const match = ID_LINE.exec(line);
          if (match && !line.includes('\0')) buffer = match[2] ?? '';
        }
        // Every complete block ends with the blank line that dispatches, which commits the buffer.
        this.#lastId.set(source, buffer);
      },
      ended: () => this.#streaming.delete(source),
    };
  }

  #connecting(url: string): EventSource | undefined {
    for (const ref of this.#instances) {
      const source = ref.deref();
      if (!source || source.readyState === 2) {
        this.#instances.delete(ref);
        continue;
      }
      if (source.url === url && source.readyState === 0 && !this.#streaming.has(source)) return source;
    }
    return undefined;
  }

  uninstall(): void {
    for (const undo of this.#uninstalls.splice(0)) undo();
    this.#instances.clear();
  }
}
