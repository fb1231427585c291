/**
 * Formats console arguments the way a developer expects to read them: strings as they are at top level, objects as
 * Node's util.inspect shows them (`{ name: '张三', age: 20 }`), never "[object Object]". Written here rather than
 * taken from a util.inspect port because those pull in Node's util and process polyfills (tens of KB) for a few
 * dozen lines of behaviour, and because DOM objects (events, elements) need their own rendering in the browser.
 */

const MAX_DEPTH = 2;
const MAX_ITEMS = 50;
const MAX_STRING = 10_000;

export function formatArgs(args: readonly unknown[]): string {
  if (args.length === 0) return '';
  const [first, ...rest] = args;
  let out: string;
  if (typeof first === 'string' && /%[sdifoOjc%]/.test(first)) {
    const queue = [...rest];
    out = first.replace(/%[sdifoOjc%]/g, (spec) => {
      if (spec === '%%') return '%';
      if (queue.length === 0) return spec;
      const value = queue.shift();
      switch (spec) {
        case '%s':
          return typeof value === 'string' ? value : inspect(value, 1);
        case '%d':
        case '%i':
          return String(spec === '%i' ? Math.trunc(Number(value)) : Number(value));
        case '%f':
          return String(Number(value));
        case '%j':
          try {
            return JSON.stringify(value);
          } catch {
            return '[Circular]';
          }
        case '%c':
          return ''; // CSS styling has no meaning in a text console
        default:
          return inspect(value, MAX_DEPTH);
      }
    });
    if (queue.length) out += ' ' + queue.map(top).join(' ');
  } else {
    out = args.map(top).join(' ');
  }
  return out.length > MAX_STRING ? out.slice(0, MAX_STRING) + `… (${out.length - MAX_STRING} more characters)` : out;
}

function top(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, MAX_DEPTH);
}

export function inspect(value: unknown, depth = MAX_DEPTH, seen: unknown[] = []): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function': {
      const name = value.name;
      const isClass = /^class[\s{]/.test(Function.prototype.toString.call(value));
      return isClass ? `[class ${name || '(anonymous)'}]` : `[Function: ${name || '(anonymous)'}]`;
    }
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (seen.includes(obj)) return '[Circular *]';

  if (obj instanceof Error) {
    return obj.stack && obj.stack.includes(obj.message) ? obj.stack : `${obj.name}: ${obj.message}`;
  }
  if (obj instanceof Date) return isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof RegExp) return obj.toString();
  if (obj instanceof Promise) return 'Promise { <pending> }';
  if (isBytes(obj)) return bytes(obj);
  if (obj instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${obj.byteLength} }`;
  if (typeof Blob !== 'undefined' && obj instanceof Blob) return `Blob { size: ${obj.size}, type: ${quote(obj.type)} }`;
  if (typeof Event !== 'undefined' && obj instanceof Event) return event(obj, depth, seen);
  if (typeof Node !== 'undefined' && obj instanceof Node) return domNode(obj);

  if (depth < 0) return Array.isArray(obj) ? '[Array]' : `[${constructorName(obj) || 'Object'}]`;
  const next = [...seen, obj];
  const child = (v: unknown) => inspect(v, depth - 1, next);

  if (Array.isArray(obj)) {
    const items = obj.slice(0, MAX_ITEMS).map(child);
    if (obj.length > MAX_ITEMS) items.push(`... ${obj.length - MAX_ITEMS} more items`);
    return wrap('[', items, ']');
  }
  if (obj instanceof Map) {
    const items = [...obj].slice(0, MAX_ITEMS).map(([k, v]) => `${child(k)} => ${child(v)}`);
    return `Map(${obj.size}) ` + wrap('{', items, '}');
  }
  if (obj instanceof Set) {
    const items = [...obj].slice(0, MAX_ITEMS).map(child);
    return `Set(${obj.size}) ` + wrap('{', items, '}');
  }
  const keys = Object.keys(obj);
  const items = keys.slice(0, MAX_ITEMS).map((k) => `${key(k)}: ${child((obj as Record<string, unknown>)[k])}`);
  if (keys.length > MAX_ITEMS) items.push(`... ${keys.length - MAX_ITEMS} more properties`);
  const name = constructorName(obj);
  const prefix = name && name !== 'Object' ? `${name} ` : name === undefined ? '[Object: null prototype] ' : '';
  return prefix + (items.length ? wrap('{', items, '}') : '{}');
}

function wrap(open: string, items: string[], close: string): string {
  if (items.length === 0) return open + close;
  const oneLine = `${open} ${items.join(', ')} ${close}`;
  if (oneLine.length <= 72 && !oneLine.includes('\n')) return oneLine;
  return `${open}\n${items.map((i) => '  ' + i.replace(/\n/g, '\n  ')).join(',\n')}\n${close}`;
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(new RegExp(q, 'g'), '\\' + q);
  return q + escaped + q;
}

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function constructorName(obj: object): string | undefined {
  const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null;
  if (proto === null) return undefined;
  return proto.constructor?.name ?? '';
}

function isBytes(obj: object): obj is Uint8Array {
  return obj instanceof Uint8Array;
}

function bytes(b: Uint8Array): string {
  // The `buffer` package's Buffer is a Uint8Array subclass named Buffer: show it as Node does.
  const name = constructorName(b) === 'Buffer' ? 'Buffer' : constructorName(b) || 'Uint8Array';
  const shown = Array.from(b.subarray(0, 50), (x) => x.toString(16).padStart(2, '0')).join(' ');
  const more = b.length > 50 ? ` ... ${b.length - 50} more bytes` : '';
  return name === 'Buffer' ? `<Buffer ${shown}${more}>` : `${name}(${b.length}) [ ${Array.from(b.subarray(0, 50)).join(', ')}${more} ]`;
}

/** Events keep their fields as prototype getters, so Object.keys sees nothing: pick what a learner wants to see. */
function event(e: Event, depth: number, seen: unknown[]): string {
  const fields: Record<string, unknown> = { type: e.type };
  const candidates = ['data', 'lastEventId', 'origin', 'code', 'reason', 'wasClean', 'message', 'key'] as const;
  for (const f of candidates) {
    if (f in e) fields[f] = (e as unknown as Record<string, unknown>)[f];
  }
  const target = e.target as { readyState?: unknown; url?: unknown } | null;
  if (target && 'readyState' in target) fields.target = { url: target.url, readyState: target.readyState };
  const items = Object.entries(fields).map(([k, v]) => `${k}: ${inspect(v, depth - 1, [...seen, e])}`);
  return `${e.constructor.name} ${wrap('{', items, '}')}`;
}

function domNode(n: Node): string {
  if (n instanceof Element) {
    const id = n.id ? `#${n.id}` : '';
    const cls = n.classList.length ? '.' + [...n.classList].join('.') : '';
    return `<${n.tagName.toLowerCase()}${id}${cls}>`;
  }
  return `[${n.nodeName}]`;
}
