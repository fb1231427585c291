import type { Direction, TrafficDetails, TrafficInput, TrafficKind, Transport } from '../../shared/traffic.js';
import { BODY_LIMIT, previewOf } from '../../shared/traffic.js';
import type { Lang } from '../../shared/protocol.js';

export interface TapOptions {
  /** Who this client is in the traffic events ('client', 'client 2', ...). */
  party: string;
  /** ms since the run started. */
  now(): number;
  report(event: TrafficInput): void;
  /** Language of the few notes the taps write (readyState explanations); English when absent. */
  lang?: Lang;
}

/** What one tap reports about one thing that happened; the connection fills in the rest. */
export interface TapEvent {
  direction: Direction;
  kind: TrafficKind;
  bytes?: number;
  /** Text shown in the list; defaults to a preview of `body`. */
  preview?: string;
  body?: string;
  details?: TrafficDetails;
}

/** Shared by every tap of one install: the clock, the connection counter, and whether reporting is still on. */
export class TapContext {
  private counter = 0;
  active = true;
  readonly lang: Lang;

  constructor(private readonly options: TapOptions) {
    this.lang = options.lang ?? 'en';
  }

  /** One id space for all transports, so "ws#1", "sse#2", "http#3" read in the order they were opened. */
  connection(transport: Transport): Connection {
    const prefix = transport === 'socket.io' ? 'sio' : transport;
    return new Connection(this, this.options, transport, `${prefix}#${++this.counter}`);
  }

  text(en: string, zh: string): string {
    return this.lang === 'zh' ? zh : en;
  }
}

/**
 * One connection or request/response exchange. Reports keep the order things happened in even when a payload needs
 * an async read first (a Blob frame, a Request body): the time is taken when it happens, and later events of the
 * same connection wait behind the pending one, so the list never shows a reply before its request.
 */
export class Connection {
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();
  /** When the page's code made it, on the run's clock (a tap opens its connection in the constructor it wraps). */
  readonly startedAt: number;

  constructor(
    private readonly tap: TapContext,
    private readonly options: TapOptions,
    readonly transport: Transport,
    readonly id: string,
  ) {
    this.startedAt = options.now();
  }

  emit(event: TapEvent | Promise<TapEvent | null>): void {
    if (!this.tap.active) return;
    const time = this.options.now();
    if (this.pending === 0 && !(event instanceof Promise)) {
      this.send(time, event);
      return;
    }
    this.pending++;
    this.chain = this.chain
      .then(() => event)
      .then(
        (resolved) => {
          if (resolved) this.send(time, resolved);
        },
        () => {
          // A payload we could not read is not worth an event of its own; the learner's code saw the real outcome.
        },
      )
      .finally(() => {
        this.pending--;
      });
  }

  private send(time: number, event: TapEvent): void {
    if (!this.tap.active) return;
    const body = event.body === undefined ? undefined : event.body.slice(0, BODY_LIMIT);
    this.options.report({
      time,
      party: this.options.party,
      observer: 'client',
      conn: this.id,
      transport: this.transport,
      direction: event.direction,
      kind: event.kind,
      bytes: event.bytes ?? 0,
      preview: event.preview ?? (body === undefined ? '' : previewOf(body)),
      ...(body === undefined ? {} : { body }),
      details: event.details ?? {},
    });
  }
}
