import type { LessonFile } from '../shared/lesson.js';

/**
 * A lesson's editable files, in the order the code panel lists them: server.js, client.js, then the page markup when
 * the lesson has some (the chat). Each lesson imports its files' text with `?raw` (Vite puts the text in the lesson's
 * own chunk) and hands it here, so no lesson spells out file names and editor languages again.
 *
 * @example files: lessonFiles({ server, client, html: page }),
 */
export function lessonFiles(code: { server: string; client: string; html?: string }): LessonFile[] {
  const files: LessonFile[] = [
    { name: 'server.js', language: 'javascript', code: code.server },
    { name: 'client.js', language: 'javascript', code: code.client },
  ];
  if (code.html !== undefined) files.push({ name: 'index.html', language: 'html', code: code.html });
  return files;
}
