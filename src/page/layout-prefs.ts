/**
 * How the learner arranged the lesson view, remembered on this machine like the run mode: where the split between the
 * lesson text and the playground sits, and whether the playground has the whole window.
 */
import { safeStorage } from './storage.js';

const SPLIT_KEY = 'pushlab.split';
const FULL_KEY = 'pushlab.workspace-full';

/** The lesson text's share of the width, in percent; the playground has the rest. */
export const SPLIT_MIN = 20;
export const SPLIT_MAX = 70;
export const SPLIT_DEFAULT = 38;

export function clampSplit(percent: number): number {
  return Math.round(Math.min(SPLIT_MAX, Math.max(SPLIT_MIN, percent)));
}

export function loadSplit(): number {
  const stored = Number(safeStorage()?.getItem(SPLIT_KEY));
  return Number.isFinite(stored) && stored > 0 ? clampSplit(stored) : SPLIT_DEFAULT;
}

export function saveSplit(percent: number): void {
  safeStorage()?.setItem(SPLIT_KEY, String(clampSplit(percent)));
}

export function loadWorkspaceFull(): boolean {
  return safeStorage()?.getItem(FULL_KEY) === '1';
}

export function saveWorkspaceFull(full: boolean): void {
  if (full) safeStorage()?.setItem(FULL_KEY, '1');
  else safeStorage()?.removeItem(FULL_KEY);
}
