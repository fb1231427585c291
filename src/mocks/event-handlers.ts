/**
 * `on<type>` event handler IDL attributes (HTML §8.1.8.1) on a facade's prototype, for the runtime's own WebSocket and
 * EventSource: the listener keeps its place in the list when the handler is replaced, and leaves it when set to null;
 * a value that is not an object or function reads back as null.
 */
export function defineEventHandlers(prototype: EventTarget, types: readonly string[]): void {
  const handlerMaps = new WeakMap<object, Map<string, { value: unknown; listener: (event: Event) => void }>>();
  const handlersOf = (target: object) => {
    let map = handlerMaps.get(target);
    if (!map) handlerMaps.set(target, (map = new Map()));
    return map;
  };
  for (const type of types) {
    Object.defineProperty(prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget) {
        return handlersOf(this).get(type)?.value ?? null;
      },
      set(this: EventTarget, value: unknown) {
        const handlers = handlersOf(this);
        const current = handlers.get(type);
        const usable = typeof value === 'object' || typeof value === 'function' ? value : null;
        if (usable === null) {
          if (current) this.removeEventListener(type, current.listener);
          handlers.delete(type);
          return;
        }
        if (current) {
          current.value = usable;
          return;
        }
        const entry = {
          value: usable,
          listener(this: EventTarget, event: Event) {
            const handler = entry.value;
            if (typeof handler === 'function') return handler.call(this, event);
          },
        };
        handlers.set(type, entry);
        this.addEventListener(type, entry.listener);
      },
    });
  }
}
