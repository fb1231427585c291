import type { CodeCommentsZh, LessonFile } from '../shared/lesson.js';

/**
 * A lesson's editable files, in the order the code panel lists them: server.js, client.js, then the page markup when
 * the lesson has some (the chat). Each lesson imports its files' text with `?raw` (Vite puts the text in the lesson's
 * own chunk) and hands it here, so no lesson spells out file names and editor languages again.
 *
 * `commentsZh`: the Chinese of the files' comments (the lesson's code-comments.zh.ts), shown to a Chinese learner.
 *
 * @example files: lessonFiles({ server, client, html: page }, commentsZh),
 */
export function lessonFiles(code: { server: string; client: string; html?: string }, commentsZh: CodeCommentsZh = {}): LessonFile[] {
  const files: LessonFile[] = [
    { name: 'server.js', language: 'javascript', code: code.server },
    { name: 'client.js', language: 'javascript', code: code.client },
  ];
  if (code.html !== undefined) files.push({ name: 'index.html', language: 'html', code: code.html });
  for (const file of files) {
    const zh = commentsZh[file.name];
    if (zh) file.comments = { zh };
  }
  return files;
}
