/** Which exercises a learner has passed, per lesson, in localStorage. */
import { safeStorage } from './storage.js';

const key = (lessonId: string) => `pushlab.progress.${lessonId}`;

export function passedExercises(lessonId: string): Set<string> {
  try {
    const raw = safeStorage()?.getItem(key(lessonId));
    return new Set(raw ? (JSON.parse(raw) as string[]) : []);
  } catch {
    return new Set();
  }
}

export function markPassed(lessonId: string, exerciseId: string): void {
  const passed = passedExercises(lessonId);
  if (passed.has(exerciseId)) return;
  passed.add(exerciseId);
  try {
    safeStorage()?.setItem(key(lessonId), JSON.stringify([...passed]));
  } catch {
    // Storage full or blocked: the pass still shows for this visit.
  }
}
