type Win = Window & typeof globalThis;
type AnyConstructor = new (...args: never[]) => object;

/**
 * Replaces win[name] with a Proxy of the constructor whose construct trap hands each new instance to `instrument`.
 * A Proxy rather than a subclass: everything but construction passes through, so `instanceof WebSocket`,
 * `WebSocket.OPEN`, `WebSocket.prototype` and a learner's own `class X extends WebSocket` behave as before, and it
 * works whatever the original is (native, mock-socket's class, or a runtime's own Proxy that ignores new.target).
 * Returns the uninstall, which puts the original back; instances already made keep their listeners, and the
 * TapContext's `active` flag silences them.
 */
export function instrumentConstructor<T extends object>(win: Win, name: string, instrument: (instance: T) => void): () => void {
  const slot = win as unknown as Record<string, AnyConstructor | undefined>;
  const original = slot[name];
  if (typeof original !== 'function') return () => {};
  const proxy = new Proxy(original, {
    construct(target, args, newTarget) {
      // new.target is the proxy when the learner writes `new WebSocket(...)`; constructing the original directly keeps
      // the instance's prototype the original's. A subclass of the proxy passes its own new.target through.
      const instance = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as T;
      instrument(instance);
      return instance;
    },
  });
  slot[name] = proxy;
  return () => {
    if (slot[name] === proxy) slot[name] = original;
  };
}
