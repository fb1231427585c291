/** The SQLite history on disk: private messages are in it, so nobody but its owner may read the file or its folder. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function storePrivate(store: SqliteStore): Promise<void> {
  await store.add({ room: 'lobby', fromClient: 'a'.repeat(16), from: 'alice', toClient: 'b'.repeat(16), to: 'bob', id: 'm1', text: 'psst', time: 1 });
}

it('makes its folder 0700 and the database, -wal and -shm files 0600, whatever the umask', async () => {
  const old = process.umask(0o022);
  try {
    const path = join(dir, 'data', 'chat.db');
    const store = new SqliteStore(path);
    await storePrivate(store);
    expect(mode(join(dir, 'data'))).toBe('700');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file), file).toBe('600');
    await store.close();
  } finally {
    process.umask(old);
  }
});

it('tightens a database that an older version left readable by everyone', async () => {
  chmodSync(dir, 0o755);
  const path = join(dir, 'chat.db');
  new SqliteStore(path).close();
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    writeFileSync(file, '', { flag: 'a' });
    chmodSync(file, 0o644);
  }
  const store = new SqliteStore(path);
  await storePrivate(store);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file), file).toBe('600');
  // The folder already existed (it could be /tmp): it is not ours to change.
  expect(mode(dir)).toBe('755');
  await store.close();
});
