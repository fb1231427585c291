/**
 * Readers for the staying-connected lesson's export: how much the server says its response held in memory (its own
 * `res.writableLength`, printed when the response closes), and how much of the export the page's fetch read. The
 * held figure is the server's, because only the server knows it: the client's reads cannot tell a server that waited
 * from one that holds the rest in memory while megabytes of socket buffers (real Node) or the run's network window
 * (browser mode) sit between them.
 */
import type { Observation } from '../../shared/lesson.js';
import { clientEvents, consoleTexts } from './observe.js';

const HELD_LINE = /^export: at most (\d+) bytes waited in memory$/;

/** Every "export: at most N bytes waited in memory" figure the server printed, one per response that closed. */
export function heldFigures(o: Observation): number[] {
  return consoleTexts(o, 'server').flatMap((l) => {
    const m = HELD_LINE.exec(l.text.trim());
    return m ? [Number(m[1])] : [];
  });
}

/** Bytes of the /export response the page read, for each fetch of it, in request order. */
export function exportReads(o: Observation): number[] {
  const byConn = new Map<string, number>();
  for (const e of clientEvents(o, 'http')) {
    if (e.kind === 'request' && /\/export(\?|$)/.test(e.details.url ?? '')) byConn.set(e.conn, 0);
    else if (e.kind === 'message' && e.direction === 's2c' && byConn.has(e.conn)) byConn.set(e.conn, byConn.get(e.conn)! + e.bytes);
  }
  return [...byConn.values()];
}
