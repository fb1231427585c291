/**
 * Stand-ins for a runtime's WebSocket and EventSource, driven by the test: enough of the browser behaviour the taps
 * rely on (EventTarget dispatch, readyState, on* handlers, send/close validation) to check the wrappers alone.
 */
export class FakeWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  protocol = '';
  binaryType: BinaryType = 'blob';
  sent: unknown[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  onopen: ((e: Event) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  constructor(readonly url: string) {
    super();
  }
  override dispatchEvent(event: Event): boolean {
    const handler = (this as unknown as Record<string, unknown>)['on' + event.type];
    const result = super.dispatchEvent(event);
    if (typeof handler === 'function') handler.call(this, event);
    return result;
  }
  send(data: unknown): void {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    if (this.readyState === 1) this.sent.push(data);
  }
  close(code?: number, reason = ''): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new DOMException(`The code must be either 1000, or between 3000 and 4999. ${code} is neither.`, 'InvalidAccessError');
    }
    if (this.readyState >= 2) return;
    this.readyState = 2;
    queueMicrotask(() => this.serverClose(code ?? 1005, reason, true));
  }
  // --- driven by the test
  serverOpen(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  serverSend(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  serverClose(code: number, reason: string, wasClean: boolean): void {
    this.readyState = 3;
    this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean }));
  }
}

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  onmessage: ((e: MessageEvent) => void) | null = null;
  constructor(readonly url: string) {
    super();
  }
  override dispatchEvent(event: Event): boolean {
    const result = super.dispatchEvent(event);
    if (event.type === 'message' && this.onmessage) this.onmessage(event as MessageEvent);
    return result;
  }
  close(): void {
    this.readyState = 2;
  }
  serverOpen(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  serverEvent(type: string, data: string, lastEventId = ''): void {
    this.dispatchEvent(new MessageEvent(type, { data, lastEventId }));
  }
  serverError(readyState: number): void {
    this.readyState = readyState;
    this.dispatchEvent(new Event('error'));
  }
}

/** A window-shaped object holding only what the taps look up. */
export function standInWindow() {
  return {
    WebSocket: FakeWebSocket,
    EventSource: FakeEventSource,
    location: window.location,
  } as unknown as Window & typeof globalThis;
}
