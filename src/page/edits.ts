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

/*
 * Whether the learner's saved edits of a lesson grew out of a share link's code that they have not yet agreed to run
 * on their own computer. Real mode runs server.js as the learner, so code from a link must not reach it in one click
 * (lesson-run-controller.ts asks first); editing that code does not make it the learner's own in that sense.
 */
const linkKey = (lessonId: string) => `pushlab.from-link.${lessonId}`;

export function savedEditsFromLink(lessonId: string): boolean {
  return safeStorage()?.getItem(linkKey(lessonId)) === '1';
}

export function setSavedEditsFromLink(lessonId: string, fromLink: boolean): void {
  if (fromLink) safeStorage()?.setItem(linkKey(lessonId), '1');
  else safeStorage()?.removeItem(linkKey(lessonId));
}
