/**
 * Errors shaped as Node's own (`code`, and the `Error [CODE]: message` first line of the stack) so a learner who
 * searches the message finds the same answers as for a real server.
 */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    name: 'Error' | 'TypeError' | 'RangeError' = 'Error',
  ) {
    super(message);
    this.name = name;
    this.stack = `${name} [${code}]: ${message}\n` + (this.stack ?? '').split('\n').slice(1).join('\n');
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `an instance of ${ctor}` : 'an object';
  }
  const shown = typeof value === 'string' ? `'${value.slice(0, 25)}'` : String(value);
  return `type ${typeof value} (${shown})`;
}
