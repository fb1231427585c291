/**
 * A `console` for one side of the run. Each call becomes a line in that side's console on the page, with its time;
 * formatting happens here, at the moment of the call, because objects may change afterwards (as in a real console).
 */
import type { ConsoleLevel, Side } from '../shared/protocol.js';
import { formatArgs } from './format.js';
import type { Outbox } from './outbox.js';

export function createConsole(side: Side, outbox: Outbox, now: () => number, party?: string): Console {
  const line = (level: ConsoleLevel) => (...args: unknown[]) => {
    outbox.console({ side, level, time: now(), text: formatArgs(args), ...(party ? { party } : {}) });
  };
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const log = line('log');
  const partial = {
    log,
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    debug: line('debug'),
    trace: (...args: unknown[]) => line('log')(...args, '\n' + (new Error().stack ?? '').split('\n').slice(2).join('\n')),
    dir: (value: unknown) => log(value),
    table: (value: unknown) => log(value),
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) line('error')('Assertion failed' + (args.length ? ':' : ''), ...args);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      log(`${label}: ${n}`);
    },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timers.set(label, performance.now()),
    timeLog: (label = 'default', ...args: unknown[]) => {
      const start = timers.get(label);
      if (start !== undefined) log(`${label}: ${(performance.now() - start).toFixed(3)}ms`, ...args);
    },
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      if (start === undefined) return;
      timers.delete(label);
      log(`${label}: ${(performance.now() - start).toFixed(3)}ms`);
    },
    group: (...args: unknown[]) => (args.length ? log(...args) : undefined),
    groupCollapsed: (...args: unknown[]) => (args.length ? log(...args) : undefined),
    groupEnd: () => {},
    clear: () => {},
  };
  // Anything else a learner might call (profile, timeStamp, ...) is a harmless no-op rather than a TypeError.
  return new Proxy(partial, {
    get: (target, prop) => (prop in target ? target[prop as keyof typeof target] : () => {}),
  }) as unknown as Console;
}
