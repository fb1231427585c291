import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { currentLang } from '../i18n/locale.js';
import { safeStorage } from '../page/storage.js';
import type { BackendInfo } from '../page/backend-client.js';
import { backend, realModeOptions } from '../page/real-mode.js';
import { observe, RunSession } from '../page/run-session.js';
import type { FileMap } from '../page/share.js';
import type { Observation, Scene } from '../shared/lesson.js';
import type { NetworkAction, NetworkConditions, RunMode } from '../shared/protocol.js';

const MODE_KEY = 'pushlab.mode';

/** What the learner chose when asked before running a share link's code in real mode. */
export type RealRunAnswer = 'real' | 'browser' | 'cancel';
/** Checks copy the traffic buffer; a few times a second is live enough and keeps a flood cheap. */
const CHECK_INTERVAL_MS = 250;

/**
 * The runs of the lesson view: one RunSession, the mode the next Run uses (browser or real Node, remembered), whether
 * this page has a backend, the network panel's actions, and the Observation exercise checks read, refreshed at most
 * every CHECK_INTERVAL_MS however fast a run talks.
 *
 * When the hooks run: `hostConnected` subscribes to the session (any number of batches between two frames make one
 * update, counted in `version`) and looks for a backend; `hostUpdate` starts the checks' tick while a run is live and
 * takes one last look when it ends; `hostDisconnected` unsubscribes and stops the run.
 *
 * @example private runs = new LessonRunController(this);  // then: runs.run(files, { lessonId, clients, frameHost })
 */
export class LessonRunController implements ReactiveController {
  readonly session = new RunSession();
  /** Bumped once per animation frame in which the session changed; views that read the session re-render on it. */
  version = 0;
  /** What exercise checks read; undefined before the first run of the lesson. */
  observation: Observation | undefined;
  /** The mode the next Run uses; a run keeps the mode it started in. */
  mode: RunMode = safeStorage()?.getItem(MODE_KEY) === 'real' ? 'real' : 'browser';
  /** undefined while looking, null when this page has no backend (a static host). */
  backendInfo: BackendInfo | null | undefined;
  /** The network panel's "offline" switch; every new run starts online. */
  offline = false;

  #unsubscribe: (() => void) | undefined;
  #frameRequested = false;
  #lastObserved = 0;
  #observeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The scenes of the lesson's exercises, for the current run: each plays once (see Scene), its timers cleared by a new run. */
  #scenes: { scene: Scene; timers: ReturnType<typeof setTimeout>[] | undefined }[] = [];
  /** A quiet run produces no batches, yet a check's verdict depends on how long it has been watched: tick too. */
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#unsubscribe = this.session.subscribe(() => {
      if (this.#frameRequested) return;
      this.#frameRequested = true;
      requestAnimationFrame(() => {
        this.#frameRequested = false;
        this.version++;
        this.host.requestUpdate();
        this.#scheduleObservation();
      });
    });
    void backend().then((info) => {
      this.backendInfo = info;
      if (!info && this.mode === 'real') this.mode = 'browser';
      this.host.requestUpdate();
    });
  }

  hostUpdate(): void {
    const live = this.session.state === 'running' || this.session.state === 'starting';
    if (live && this.#tick === undefined) this.#tick = setInterval(() => this.#scheduleObservation(), CHECK_INTERVAL_MS * 2);
    if (!live && this.#tick !== undefined) {
      clearInterval(this.#tick);
      this.#tick = undefined;
      this.#scheduleObservation(); // one last look at the ended run
    }
  }

  hostDisconnected(): void {
    clearInterval(this.#tick);
    this.#tick = undefined;
    this.#unsubscribe?.();
    void this.session.stop();
  }

  /** Another lesson opens: stop this one's run and forget all of it, what its checks saw included. */
  async reset(): Promise<void> {
    await this.session.clear();
    this.observation = undefined;
    this.host.requestUpdate();
  }

  /**
   * Runs `files` in a fresh frame under `frameHost`, in the chosen mode (browser mode when there is no backend).
   * `askFirst`, when given, is asked before a real-mode run: the code came from a share link, and real mode runs it
   * on the learner's computer. Its answer can send the run to the browser instead, or cancel it.
   */
  async run(
    files: FileMap,
    lesson: { lessonId: string; clients: number | undefined; frameHost: HTMLElement; askFirst?: () => Promise<RealRunAnswer>; scenes?: Scene[] },
  ): Promise<void> {
    const lang = currentLang();
    const info = await this.#backendForRun(lesson.askFirst);
    if (info === 'cancel') return;
    this.#stopScenes();
    this.#scenes = (lesson.scenes ?? []).map((scene) => ({ scene, timers: undefined }));
    this.offline = false;
    this.host.requestUpdate();
    await this.session.run(files, {
      mode: info ? 'real' : 'browser',
      lang,
      host: lesson.frameHost,
      clients: lesson.clients,
      ...(info ? realModeOptions(info, lesson.lessonId, lang) : {}),
    });
  }

  /**
   * The backend the next run uses, or null for browser mode. Everything between pressing Run and a real-mode run
   * starting belongs here (a step that asks the learner first would return null, or wait, before any code is sent).
   */
  async #backendForRun(askFirst?: () => Promise<RealRunAnswer>): Promise<BackendInfo | null | 'cancel'> {
    if (this.mode !== 'real') return null;
    const info = await backend();
    if (!info || !askFirst) return info;
    const answer = await askFirst();
    return answer === 'real' ? info : answer === 'browser' ? null : 'cancel';
  }

  async stop(): Promise<void> {
    this.#stopScenes();
    await this.session.stop();
  }

  #stopScenes(): void {
    for (const s of this.#scenes) for (const t of s.timers ?? []) clearTimeout(t);
    this.#scenes = [];
  }

  /**
   * Starts each scene whose `ready` holds for this observation, once per run. A scene's steps go through what any run
   * has: a window's page (the frame acts as a person would) and the network panel's actions, in both modes alike, so a
   * check sees the learner's code answer a person and a dropped connection. It stops when a person acts themselves.
   */
  #playScenes(o: Observation): void {
    if (this.session.state !== 'running') return;
    for (const s of this.#scenes) {
      if (s.timers || this.session.touched || !s.scene.ready(o)) continue;
      const runId = this.session.runId;
      s.timers = s.scene.steps.map((step) =>
        setTimeout(() => {
          if (this.session.runId !== runId || this.session.state !== 'running' || this.session.touched) return;
          if ('network' in step) this.networkAction(step.network);
          else this.session.act(step.party, step.type, step.send === true);
        }, step.atMs),
      );
    }
  }

  setMode(mode: RunMode): void {
    this.mode = mode;
    safeStorage()?.setItem(MODE_KEY, mode);
    // A run keeps the mode it started in; the next Run uses the new one.
    this.host.requestUpdate();
  }

  setNetwork(conditions: NetworkConditions): void {
    void this.session.setNetwork(conditions);
    this.host.requestUpdate();
  }

  networkAction(action: NetworkAction): void {
    if (action === 'offline' || action === 'online') {
      this.offline = action === 'offline';
      this.host.requestUpdate();
    }
    void this.session.networkAction(action);
  }

  #scheduleObservation(): void {
    if (this.#observeTimer !== undefined) return;
    const wait = Math.max(0, this.#lastObserved + CHECK_INTERVAL_MS - performance.now());
    this.#observeTimer = setTimeout(() => {
      this.#observeTimer = undefined;
      this.#lastObserved = performance.now();
      this.observation = this.session.state === 'idle' ? undefined : observe(this.session, this.mode);
      if (this.observation) this.#playScenes(this.observation);
      this.host.requestUpdate();
    }, wait);
  }
}
