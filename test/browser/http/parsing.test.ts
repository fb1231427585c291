import { assert } from 'chai';
import { isSiteFile } from '../../../src/mocks/msw/site-files.js';
import { SseBlockSplitter } from '../../../src/mocks/http/sse-blocks.js';

suite('http shim: which requests are the site own files', () => {
  test("Vite's dev paths and the test runner's pass through; a learner's paths do not", () => {
    const page = 'http://localhost:5173/run.html';
    for (const path of ['/@vite/client', '/src/frame/run-frame.ts', '/node_modules/.vite/deps/msw.js', '/@fs/x', '/@id/y', '/mockServiceWorker.js']) {
      assert.isTrue(isSiteFile(new URL(path, page), page), path);
    }
    for (const path of ['/', '/test', '/events', '/api/src/x', '/socket.io/?EIO=4']) {
      assert.isFalse(isSiteFile(new URL(path, page), page), path);
    }
  });

  test('in the build, files under the base path pass through, the same path elsewhere does not', () => {
    const page = 'https://example.org/pushlab/run.html';
    assert.isTrue(isSiteFile(new URL('/pushlab/assets/run-abc.js', page), page));
    assert.isTrue(isSiteFile(new URL('/pushlab/run.html', page), page));
    assert.isTrue(isSiteFile(new URL('/pushlab/mockServiceWorker.js', page), page));
    assert.isFalse(isSiteFile(new URL('/assets/x.js', page), page));
    assert.isFalse(isSiteFile(new URL('http://localhost:3000/src/x', page), page), 'another origin is never the site');
  });
});

suite('http shim: cutting an event stream into blocks', () => {
  test('blocks end at a blank line with LF, CRLF or CR, whatever the chunking', () => {
    const stream = 'data: a\n\nid: 1\r\ndata: b\r\n\r\nevent: x\rdata: c\r\rdata: tail';
    const expected = ['data: a\n\n', 'id: 1\r\ndata: b\r\n\r\n', 'event: x\rdata: c\r\r'];
    for (const size of [1, 2, 3, 5, 7, stream.length]) {
      const splitter = new SseBlockSplitter();
      const blocks: string[] = [];
      for (let i = 0; i < stream.length; i += size) blocks.push(...splitter.push(stream.slice(i, i + size)));
      assert.deepEqual(blocks, expected, `chunks of ${size}`);
      assert.equal(splitter.rest(), 'data: tail', `rest with chunks of ${size}`);
    }
  });

  test('a CR at the end of a chunk waits to know whether an LF follows', () => {
    const splitter = new SseBlockSplitter();
    assert.deepEqual(splitter.push('data: a\r\n\r'), []);
    assert.deepEqual(splitter.push('\n'), ['data: a\r\n\r\n']);
  });
});
