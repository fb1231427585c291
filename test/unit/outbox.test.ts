import { describe, expect, it, vi } from 'vitest';
import { CONSOLE_LINES_PER_FLUSH, Outbox } from '../../src/frame/outbox.js';
import type { BatchMessage, ConsoleItem } from '../../src/shared/protocol.js';

describe('Outbox', () => {
  it('keeps the newest console lines of a flood, counts the rest, and keeps other items in order', () => {
    const posted: BatchMessage[] = [];
    const box = new Outbox('r1', (m) => posted.push(m));
    box.push({ type: 'started', time: 0 });
    for (let i = 0; i < 1000; i++) box.console({ side: 'client', level: 'log', time: i, text: `c${i}` });
    box.console({ side: 'server', level: 'log', time: 0, text: 's0' });
    box.flush();
    expect(posted).toHaveLength(1);
    const items = posted[0]!.items;
    expect(items[0]).toEqual({ type: 'dropped', what: 'console', side: 'client', count: 1000 - CONSOLE_LINES_PER_FLUSH });
    expect(items[1]).toEqual({ type: 'started', time: 0 });
    const client = items.filter((i): i is ConsoleItem => i.type === 'console' && i.side === 'client');
    expect(client).toHaveLength(CONSOLE_LINES_PER_FLUSH);
    expect(client.at(-1)!.text).toBe('c999');
    expect(client[0]!.text).toBe(`c${1000 - CONSOLE_LINES_PER_FLUSH}`);
    expect(items.at(-1)).toMatchObject({ side: 'server', text: 's0' });
  });

  it('posts once per window however many items arrive', () => {
    vi.useFakeTimers();
    const post = vi.fn();
    const box = new Outbox('r1', post);
    for (let i = 0; i < 50; i++) box.push({ type: 'started', time: i });
    expect(post).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(post).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});
