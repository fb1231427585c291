/** Static highlighting of code blocks in lesson prose, with the same parser the editor uses. */
import { parser } from '@lezer/javascript';
import { classHighlighter, highlightCode } from '@lezer/highlight';

export function highlightJs(element: HTMLElement): void {
  const code = element.textContent ?? '';
  const fragment = document.createDocumentFragment();
  highlightCode(
    code,
    parser.parse(code),
    classHighlighter,
    (text, classes) => {
      if (!classes) fragment.append(text);
      else {
        const span = document.createElement('span');
        span.className = classes;
        span.textContent = text;
        fragment.append(span);
      }
    },
    () => fragment.append('\n'),
  );
  element.replaceChildren(fragment);
}
