/**
 * The bytes written during one task, handed on as one chunk at the task's microtask checkpoint: what Node's HTTP does
 * by corking the socket until the next tick (the tick's writes leave in one writev). The http shim's response stream
 * and its record of the wire both gather this way.
 */
export class TaskBytes {
  #parts: Uint8Array[] = [];
  #size = 0;

  constructor(private readonly flushed: (chunk: Uint8Array) => void) {}

  /** Bytes gathered in this task so far (0: none yet). */
  get size(): number {
    return this.#size;
  }

  /** `bytes` is kept as it is until the flush: the caller hands over bytes nobody changes. */
  push(bytes: Uint8Array): void {
    if (!bytes.length) return;
    if (!this.#parts.length) queueMicrotask(() => this.flush());
    this.#parts.push(bytes);
    this.#size += bytes.length;
  }

  /** Hands on what was gathered now, if anything (also called by the microtask). */
  flush(): void {
    const parts = this.#parts;
    if (!parts.length) return;
    const size = this.#size;
    this.#parts = [];
    this.#size = 0;
    let chunk = parts[0]!;
    if (parts.length > 1) {
      chunk = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        chunk.set(part, at);
        at += part.length;
      }
    }
    this.flushed(chunk);
  }
}
