import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lessonFiles } from '../../src/lessons/lesson-files.js';
import type { LessonContent } from '../../src/shared/lesson.js';

const read = (lesson: string, file: string) => readFileSync(new URL(`../../src/lessons/${lesson}/${file}`, import.meta.url), 'utf8');

describe('lessonFiles', () => {
  test('server.js and client.js as JavaScript, in that order; index.html as HTML only when given', () => {
    expect(lessonFiles({ server: 's', client: 'c' })).toEqual([
      { name: 'server.js', language: 'javascript', code: 's' },
      { name: 'client.js', language: 'javascript', code: 'c' },
    ]);
    expect(lessonFiles({ server: 's', client: 'c', html: '' }).map((f) => [f.name, f.language, f.code])).toEqual([
      ['server.js', 'javascript', 's'],
      ['client.js', 'javascript', 'c'],
      ['index.html', 'html', ''],
    ]);
  });

  test("each file gets the Chinese of its own comments, and none when the lesson gives none", () => {
    const files = lessonFiles({ server: 's', client: 'c' }, { 'client.js': { one: '一' } });
    expect(files.map((f) => f.comments)).toEqual([undefined, { zh: { one: '一' } }]);
  });

  // The lessons that use it: what the editor opens is exactly the text of the lesson's files on disk.
  test.each(['push', 'sse', 'websocket', 'socket-io'])('the %s lesson opens its own server.js and client.js', async (id) => {
    const lesson = ((await import(`../../src/lessons/${id}/lesson.ts`)) as { default: LessonContent }).default;
    expect(lesson.files.map(({ name, language, code }) => ({ name, language, code }))).toEqual([
      { name: 'server.js', language: 'javascript', code: read(id, 'server.js') },
      { name: 'client.js', language: 'javascript', code: read(id, 'client.js') },
    ]);
  });
});
