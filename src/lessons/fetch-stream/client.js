// Three questions to the "model", one after another; its answers stream in over fetch.
// EventSource could not ask them: it only makes GET requests, with no body and no Authorization header.
async function ask(question, { stopAfterMs } = {}) {
  console.log('问：', question);
  const res = await fetch('/v1/chat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-key' },
    body: JSON.stringify({ question }),
  });

  // The user presses Stop after a while.
  let stopped = false;
  if (stopAfterMs) {
    setTimeout(() => {
      console.log('用户点了“停止”');
      stopped = true;
    }, stopAfterMs);
  }

  // The body, as text, in whatever pieces the network delivers.
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let answer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done || stopped) break;
    for (const part of value.split('\n\n')) {
      if (!part.startsWith('data: ')) continue;
      const data = part.slice('data: '.length);
      if (data === '[DONE]') continue;
      const { delta } = JSON.parse(data);
      answer += delta;
      console.log('token:', delta);
    }
  }
  console.log('答：', answer);
}

async function main() {
  for (const [question, options] of [['什么是服务器推送？'], ['再讲讲 SSE'], ['写一篇长文章', { stopAfterMs: 1500 }]]) {
    try {
      await ask(question, options);
    } catch (err) {
      console.error('出错了：', err.message);
    }
  }
}
main();
