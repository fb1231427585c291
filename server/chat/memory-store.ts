/** History in memory: for tests, and for the playground's chat lesson, which has no database. */
import { readableBy, type ChatStore, type NewMessage, type StoredMessage } from './store.js';

export class MemoryStore implements ChatStore {
  private readonly messages: StoredMessage[] = [];
  private readonly byKey = new Map<string, StoredMessage>();

  async add(message: NewMessage): Promise<{ message: StoredMessage; duplicate: boolean }> {
    const key = `${message.fromClient}\n${message.id}`;
    const existing = this.byKey.get(key);
    if (existing) return { message: existing, duplicate: true };
    const stored = { ...message, offset: this.messages.length + 1 };
    this.messages.push(stored);
    this.byKey.set(key, stored);
    return { message: stored, duplicate: false };
  }

  async find(fromClient: string, id: string): Promise<StoredMessage | undefined> {
    return this.byKey.get(`${fromClient}\n${id}`);
  }

  async history(room: string, clientId: string, after: number | undefined, limit: number): Promise<StoredMessage[]> {
    const visible = this.messages.filter((m) => m.room === room && readableBy(m, clientId) && m.offset > (after ?? 0));
    return after === undefined ? visible.slice(-limit) : visible.slice(0, limit);
  }

  async close(): Promise<void> {}
}
