import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clearEdits, loadEdits, saveEdits, savedEditsFromLink, setSavedEditsFromLink } from '../page/edits.js';
import { lessonHref } from '../page/route.js';
import { decodeFiles, encodeFiles, type FileMap } from '../page/share.js';
import type { LessonContent, LessonFileName, LessonMeta } from '../shared/lesson.js';
import type { CodePanel } from './code-panel.js';

/** The lesson view: the lesson whose files are edited. */
export type LessonEditsHost = ReactiveControllerHost & { meta: LessonMeta };

/**
 * The learner's files of one lesson: what the editor starts from (their saved edits, or a share link's code), saving
 * every edit, Reset and Use solution with one Undo, Share, and "back to my code" from a shared link.
 *
 * It holds no lifecycle of its own: the lesson view calls `clear()` and `open()` when the lesson changes, and routes
 * the editor's `code-change` events to `edited()`. Each change asks the host to update (the banners read it).
 *
 * @example private edits = new LessonEditsController(this, () => this.codePanel);
 */
export class LessonEditsController implements ReactiveController {
  /** The files as the editor has them. */
  texts: FileMap = {};
  /** The editor shows a share link's code, not the learner's own. */
  viewingShared = false;
  /** The learner agreed to run the shared code now in the editor on their computer (real mode). */
  private sharedAccepted = false;
  /** The texts before a Reset or a solution replaced them, for Undo. */
  beforeReplace: FileMap | undefined;
  replacedBy: 'reset' | 'solution' = 'reset';
  /** The last Share's link, shown until closed. */
  shareLink: string | undefined;

  constructor(
    private readonly host: LessonEditsHost,
    private readonly panel: () => CodePanel | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** A new lesson is loading: nothing of the last one's Undo or Share link applies to it. */
  clear(): void {
    this.beforeReplace = undefined;
    this.shareLink = undefined;
    this.host.requestUpdate();
  }

  /** The files to start `content` from: a share link's code if there is one, else the learner's saved edits. */
  async open(meta: LessonMeta, content: LessonContent, sharedCode: string | undefined): Promise<void> {
    const own = loadEdits(meta.id);
    const shared = sharedCode ? await decodeFiles(sharedCode) : undefined;
    this.viewingShared = shared !== undefined;
    this.sharedAccepted = false;
    this.texts = filesOf(content, shared ?? own);
    this.host.requestUpdate();
  }

  /**
   * The lesson's files changed language (their comments): the editor follows if it holds them exactly as the lesson
   * gave them (`from`), never over the learner's own text, saved or not, or a share link's code. Undo keeps what it
   * would have brought back (a Reset's).
   */
  untouchedTo(from: LessonContent, to: LessonContent): void {
    if (this.viewingShared) return;
    const panel = this.panel();
    const held = panel ? panel.currentTexts() : this.texts;
    const lessons = filesOf(from);
    if (Object.keys(lessons).some((name) => held[name] !== lessons[name])) return;
    const { beforeReplace, replacedBy } = this;
    if (panel) {
      panel.replaceAll(filesOf(to));
      // Its code-change events saved the files as edits: they are still the lesson's.
      clearEdits(this.host.meta.id);
    } else this.texts = filesOf(to);
    this.beforeReplace = beforeReplace;
    this.replacedBy = replacedBy;
    this.host.requestUpdate();
  }

  /** The editor changed a file: keep it, and save it as the learner's own. */
  edited(file: string, text: string): void {
    const fromLink = this.fromLink;
    this.texts = { ...this.texts, [file]: text };
    // Editing shared code makes it the learner's own edits, still marked as from a link until they accept it.
    saveEdits(this.host.meta.id, this.texts);
    if (this.viewingShared) setSavedEditsFromLink(this.host.meta.id, fromLink);
    this.beforeReplace = undefined;
    this.host.requestUpdate();
  }

  /** Back to the lesson's files; Undo brings the learner's back. */
  reset(content: LessonContent): void {
    const panel = this.panel();
    if (!panel) return;
    const before = panel.currentTexts();
    panel.replaceAll(filesOf(content));
    // After the replacement: its own code-change events clear the undo snapshot, as any later edit should.
    this.beforeReplace = before;
    this.replacedBy = 'reset';
    clearEdits(this.host.meta.id);
    setSavedEditsFromLink(this.host.meta.id, false);
    this.viewingShared = false;
    this.host.requestUpdate();
  }

  /**
   * The code in the editor came from a share link (directly, or as the learner's edits of it) and the learner has not
   * agreed to run it on their computer: real mode must ask before it sends server.js to the backend.
   */
  get fromLink(): boolean {
    return this.viewingShared ? !this.sharedAccepted : savedEditsFromLink(this.host.meta.id);
  }

  /** The learner read the warning and chose to run this code in real Node. */
  acceptFromLink(): void {
    this.sharedAccepted = true;
    setSavedEditsFromLink(this.host.meta.id, false);
    this.host.requestUpdate();
  }

  /** An exercise's solution into the editor; Undo brings the learner's files back. */
  useSolution(files: Partial<Record<LessonFileName, string>>): void {
    const panel = this.panel();
    if (!panel) return;
    const before = panel.currentTexts();
    panel.replaceAll(files as Record<string, string>);
    this.beforeReplace = before;
    this.replacedBy = 'solution';
    this.host.requestUpdate();
  }

  undo(): void {
    if (!this.beforeReplace) return;
    this.panel()?.replaceAll(this.beforeReplace);
    this.beforeReplace = undefined;
    this.host.requestUpdate();
  }

  /** A link to the editor's files, copied to the clipboard when the browser allows it and shown either way. */
  async share(): Promise<void> {
    const panel = this.panel();
    if (!panel) return;
    const code = await encodeFiles(panel.currentTexts());
    const url = new URL(location.href);
    url.hash = lessonHref(this.host.meta.id, code);
    this.shareLink = url.href;
    this.host.requestUpdate();
    try {
      await navigator.clipboard.writeText(url.href);
    } catch {
      // No clipboard permission (or an insecure origin): the link is shown to copy by hand.
    }
  }

  closeShareLink(): void {
    this.shareLink = undefined;
    this.host.requestUpdate();
  }

  /** Leave a share link's code for the learner's own saved edits. */
  backToOwnCode(content: LessonContent): void {
    this.panel()?.replaceAll(filesOf(content, loadEdits(this.host.meta.id)));
    this.viewingShared = false;
    history.replaceState(null, '', lessonHref(this.host.meta.id));
    this.host.requestUpdate();
  }
}

/** The lesson's files, each replaced by its text in `overrides` when there is one. */
export function filesOf(content: LessonContent, overrides?: FileMap): FileMap {
  return Object.fromEntries(content.files.map((f) => [f.name, overrides?.[f.name] ?? f.code]));
}
