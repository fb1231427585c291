/** A learner's edits, per lesson, in localStorage: they survive a reload and never leave the machine. */
import { safeStorage } from './storage.js';
import type { FileMap } from './share.js';

const key = (lessonId: string) => `pushlab.edits.${lessonId}`;

export function loadEdits(lessonId: string): FileMap | undefined {
  const raw = safeStorage()?.getItem(key(lessonId));
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as FileMap;
  } catch {
    return undefined;
  }
}

export function saveEdits(lessonId: string, files: FileMap): void {
  try {
    safeStorage()?.setItem(key(lessonId), JSON.stringify(files));
  } catch {
    // Quota exceeded: the edit stays in the editor; only persistence is lost.
  }
}

export function clearEdits(lessonId: string): void {
  safeStorage()?.removeItem(key(lessonId));
}
