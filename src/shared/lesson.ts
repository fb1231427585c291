/**
 * Lessons are data. A lesson folder under src/lessons/ exports one `LessonContent`; src/lessons/index.ts lists every
 * lesson's `LessonMeta` in course order. Components render any lesson without knowing which it is, so adding a lesson
 * touches no component.
 */
import type { Localized } from './localized.js';
import type { ConsoleLevel, ProxyNetworkAction, RunErrorKind, RunMode, Side } from './protocol.js';
import type { TrafficEvent } from './traffic.js';

// Lesson data names the {en, zh} shape from here; it is defined once, in localized.ts.
export type { Localized };

export type LessonFileName = 'server.js' | 'client.js' | 'index.html';

export interface LessonFile {
  name: LessonFileName;
  /** Editor language. */
  language: 'javascript' | 'html';
  /** As written, with its comments in English. */
  code: string;
  /** The Chinese of its `//` comments, keyed by their English (src/lessons/code-comments.ts). */
  comments?: { zh: Readonly<Record<string, string>> };
}

/** A lesson's Chinese for its files' comments (each lesson's code-comments.zh.ts). */
export type CodeCommentsZh = Partial<Record<LessonFileName, Readonly<Record<string, string>>>>;

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
  /** 本课目标: what the learner will be able to do. */
  goals: Localized<string[]>;
  /** Markdown, written for learners in each language (not a word-for-word translation). */
  prose: Localized;
  files: LessonFile[];
  /** Markdown shown after the code: what to remember. */
  recap: Localized;
  /**
   * How many client windows a run opens (the chat shows three), each its own frame with its own client.js; the
   * first frame also runs the in-browser server. Default 1.
   */
  clients?: number;
  /** 2 to 4 exercises, each checked from what a run observes. */
  exercises?: Exercise[];
  /**
   * How the Compare tab (and checks that count as it does) tells long polls from short polls among the client's
   * plain HTTP requests: a URL convention of this lesson's own code. Without it, every one counts as short polling.
   */
  pollKind?: PollKind;
  /**
   * For a lesson whose shipped code shows a race on purpose (where a round-robin proxy sends each request depends on
   * timing), the files the parity suite runs instead, in both runtimes, and why. The shipped code is held to its
   * exercises' checks in both runtimes instead.
   */
  parity?: { files: Partial<Record<LessonFileName, string>>; why: string };
  /**
   * How long the parity suite watches the code in each runtime before comparing; default 4.5 s. Longer for a lesson
   * whose many clients connect one after another in real Node: Chromium lets one WebSocket handshake to a host be in
   * progress at a time (RFC 6455 section 4.1), so twenty take their turns there.
   */
  parityWatchMs?: number;
}

/** Long or short polling, judged from a request's URL (undefined when the event carries none). */
export type PollKind = (url: string | undefined) => 'short' | 'long';

/** What a check may read: the run as it was observed, never the learner's source text. */
export interface Observation {
  mode: RunMode;
  /** Every traffic event kept for the run, both observers, oldest first. */
  traffic: readonly TrafficEvent[];
  /** Console lines; `party` says which client window logged it when a run has several ('client 2'). */
  console: Record<Side, readonly { level: ConsoleLevel; time: number; text: string; party?: string }[]>;
  errors: readonly { side: Side; kind: RunErrorKind; message: string }[];
  /**
   * What each client window shows, by party ('client', 'client 2'): the visible text of its page (innerText, the end
   * of it when long), as the frame last reported it. Absent for a window that has shown nothing.
   */
  windows?: Readonly<Record<string, string>>;
  /**
   * Every text the windows reported, oldest first, each with the run time it reached the page (a few hundred ms after
   * the change, at most): what a window showed for a while and no longer shows ("is typing…") is only here. Bounded:
   * the oldest go first when a run reports a lot.
   */
  windowLog?: readonly { party: string; time: number; text: string }[];
  /** ms since the run started */
  elapsed: number;
}

export interface CheckResult {
  pass: boolean;
  /** What the check saw, and what it expected, in both languages: shown when it does not pass yet. */
  saw?: Localized;
  expected?: Localized;
}

export interface Exercise {
  /** Stable within the lesson: progress is kept by it. */
  id: string;
  title: Localized;
  /** Markdown: what to do. */
  task: Localized;
  /** Shown one at a time, on request. */
  hints: Localized<string[]>;
  /** The files as a correct answer has them (only those that change). */
  solution: Partial<Record<LessonFileName, string>>;
  /**
   * Decides from the observation alone, so any correct answer passes however it is written. Runs again as the run
   * goes on; once it passes for a run, that exercise is done.
   */
  check(observation: Observation): CheckResult;
  /** How long a run must be watched before a check that has not passed can be taken as failed (tests use it). */
  watchMs: number;
  /**
   * What a person does during a run, for a check that must see more than the code does by itself: played by the page
   * once per run, through the controls any run has (a window's message field, the network panel's actions).
   */
  scene?: Scene;
}

/**
 * A short scene: once `ready` holds for a run's observation, each step at its time after that. It stops for good when a
 * person acts in a window themselves (a trusted key, click or input), so it never gets in the learner's way.
 */
export interface Scene {
  ready(observation: Observation): boolean;
  steps: readonly SceneStep[];
}

export type SceneStep = { atMs: number } & (
  | { /** 'client 2': types `text` into the window's #input, as keystrokes would; with `send`, submits its form. */ party: string; type: string; send?: boolean }
  | { network: ProxyNetworkAction }
);
