/**
 * Lessons are data. A lesson folder under src/lessons/ exports one `Lesson`; components render any lesson without
 * knowing which it is, so adding a lesson touches no component.
 */
import type { Lang } from './protocol.js';

export type Localized<T = string> = Record<Lang, T>;

export interface LessonFile {
  name: 'server.js' | 'client.js' | 'index.html';
  /** Editor language. */
  language: 'javascript' | 'html';
  code: string;
}

export interface Lesson {
  /** URL slug, stable: stored edits and progress are keyed by it. */
  id: string;
  /** Position in the course, 1-based. */
  number: number;
  title: Localized;
  /** One line for the course list. */
  summary: Localized;
  /** false: listed in the course, but its page says it is being written. */
  ready: boolean;
  goals?: Localized<string[]>;
  /** Markdown. */
  prose?: Localized;
  files?: LessonFile[];
  /** Markdown shown after the run area: what to remember. */
  recap?: Localized;
}
