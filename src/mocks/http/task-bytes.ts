/**
 * The bytes written during one task, handed on as one chunk at the task's microtask checkpoint: what Node's HTTP does
 * by corking the socket until the next tick (the tick's writes leave in one writev). The http shim's response stream
 * and its record of the wire both gather this way.
 */
export class TaskBytes {
  #parts: Uint8Array[] = [];
  #size = 0;
  #kept = 0;
  #pending = false;

  /**
   * `keep`: how many of a task's bytes to hold; past it, bytes are counted and let go (the wire record keeps at most
   * BODY_LIMIT of a chunk, and a server writing for 100 ms in one task writes megabytes). `flushed` gets the kept
   * bytes and the task's whole size.
   */
  constructor(
    private readonly flushed: (chunk: Uint8Array, size: number) => void,
    private readonly keep = Infinity,
  ) {}

  /** Bytes gathered in this task so far (0: none yet). */
  get size(): number {
    return this.#size;
  }

  /** The task has gathered all it keeps: what comes now is only counted (`count`), so it need not be made. */
  get full(): boolean {
    return this.#kept >= this.keep;
  }

  /** `bytes` is kept as it is until the flush: the caller hands over bytes nobody changes. */
  push(bytes: Uint8Array): void {
    if (!bytes.length) return;
    if (this.full) return this.count(bytes.length);
    this.#parts.push(bytes);
    this.#kept += bytes.length;
    this.count(bytes.length);
  }

  /** `n` bytes written in this task and not kept. */
  count(n: number): void {
    if (n <= 0) return;
    if (!this.#pending) {
      this.#pending = true;
      queueMicrotask(() => this.flush());
    }
    this.#size += n;
  }

  /** Hands on what was gathered now, if anything (also called by the microtask). */
  flush(): void {
    this.#pending = false;
    const parts = this.#parts;
    const size = this.#size;
    const kept = this.#kept;
    if (!size) return;
    this.#parts = [];
    this.#size = 0;
    this.#kept = 0;
    let chunk = parts[0] ?? new Uint8Array(0);
    if (parts.length > 1) {
      chunk = new Uint8Array(kept);
      let at = 0;
      for (const part of parts) {
        chunk.set(part, at);
        at += part.length;
      }
    }
    this.flushed(chunk, size);
  }
}
