// A chat-completion endpoint as LLM APIs have it: the client POSTs a question with its key, and the answer comes
// back as a text/event-stream (or NDJSON, if asked), a few characters at a time, while the "model" is still writing it.
const http = require('http');

// The "model": canned answers, one token every 120 ms. The second answer runs into an error halfway.
const ANSWERS = {
  '什么是服务器推送？': {
    tokens: ['服务器', '推送', '就是：', '有了', '新数据', '时，', '由服务器', '主动', '发给', '客户端', '，不等', '它来问。'],
  },
  '再讲讲 SSE': {
    tokens: ['SSE ', '是一个', '不结束的', 'HTTP ', '响应'],
    error: 'Overloaded: the model is busy, try again in a moment',
  },
  '写一篇长文章': {
    tokens: Array.from({ length: 40 }, (_, i) => `第${i + 1}句。`),
  },
};

http
  .createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no ${req.method} ${req.url} here: POST /v1/chat` } }));
      return;
    }
    // An EventSource could never send this header: that is why these APIs are read with fetch.
    if (req.headers.authorization !== 'Bearer demo-key') {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'missing or wrong API key' } }));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      let question;
      try {
        question = JSON.parse(body).question;
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'the body must be JSON: {"question": "…"}' } }));
        return;
      }
      const answer = ANSWERS[question] || { tokens: ['我', '不知道。'] };
      console.log('question:', question);
      // Some APIs (Ollama's, for one) stream NDJSON instead: one JSON object per line. Ask with that Accept to get it.
      const ndjson = /application\/x-ndjson/.test(req.headers.accept || '');
      // Each piece of the answer as its format writes it: an SSE event (of a type, or a plain message), or a line.
      const line = ndjson
        ? (object) => `${JSON.stringify(object)}\n`
        : (object, type) => `${type ? `event: ${type}\n` : ''}data: ${JSON.stringify(object)}\n\n`;
      res.writeHead(200, { 'Content-Type': ndjson ? 'application/x-ndjson' : 'text/event-stream', 'Cache-Control': 'no-cache' });

      let i = 0;
      // A token every 120 ms. Each timer is set when the last one ran (not setInterval, which keeps its own beat on a
      // busy machine), so an event's pieces, 30 ms apart, are all written before the next event's.
      let timer = setTimeout(function next() {
        if (answer.error && i === answer.tokens.length) {
          // An error after the 200 head: the status cannot change any more, so it travels in the stream (an event, a line).
          send(res, line({ error: { message: answer.error } }, 'error'), i, () => res.end());
          return;
        }
        if (i === answer.tokens.length) {
          res.end(ndjson ? line({ done: true }) : 'data: [DONE]\n\n');
          return;
        }
        console.log(`generating ${i + 1}/${answer.tokens.length}`);
        send(res, line({ delta: answer.tokens[i] }), i);
        i++;
        timer = setTimeout(next, 120);
      }, 120);
    });
  })
  .listen(3000);

// TCP gives a reader whatever has arrived, never "one event": this server makes that visible by writing each event
// (or line) in two or three pieces, 30 ms apart, cut somewhere else each time (inside a word, inside a Chinese
// character's UTF-8 bytes, just before the line feed that ends it).
function send(res, event, n, then) {
  const bytes = Buffer.from(event);
  const cuts = [1 + ((n * 7 + 5) % (bytes.length - 2)), bytes.length - 1].filter((c, k, all) => all.indexOf(c) === k);
  let from = 0;
  cuts.concat(bytes.length).forEach((to, k) => {
    const piece = bytes.subarray(from, to);
    from = to;
    setTimeout(() => {
      res.write(piece);
      if (to === bytes.length && then) then();
    }, k * 30);
  });
}
