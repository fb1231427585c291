/**
 * Lessons are data. A lesson folder under src/lessons/ exports one `LessonContent`; src/lessons/index.ts lists every
 * lesson's `LessonMeta` in course order. Components render any lesson without knowing which it is, so adding a lesson
 * touches no component.
 */
import type { Lang } from './protocol.js';

export type Localized<T = string> = Record<Lang, T>;

export type LessonFileName = 'server.js' | 'client.js' | 'index.html';

export interface LessonFile {
  name: LessonFileName;
  /** Editor language. */
  language: 'javascript' | 'html';
  code: string;
}

/** What the course list needs; small, loaded with the page. */
export interface LessonMeta {
  /** URL slug, stable: stored edits and progress are keyed by it. */
  id: string;
  /** Position in the course, 1-based. */
  number: number;
  title: Localized;
  /** One line for the course list. */
  summary: Localized;
  /** Loads the lesson's content (its own chunk); absent while the lesson is being written. */
  load?: () => Promise<{ default: LessonContent }>;
}

/** The lesson itself, loaded when it is opened. */
export interface LessonContent {
  /** 课堂目标: what the learner will be able to do. */
  goals: Localized<string[]>;
  /** Markdown, written for learners in each language (not a word-for-word translation). */
  prose: Localized;
  files: LessonFile[];
  /** Markdown shown after the code: what to remember. */
  recap: Localized;
}
