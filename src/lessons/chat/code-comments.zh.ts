import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'Step 1 of the chat: every message a client sends goes to everyone connected, the sender included.': '聊天室第 1 步：客户端发的每条消息都发给所有已连接的人，包括发送者自己。',
    'Never trust what arrives: it may not be text at all, or a whole book.': '永远不要相信收到的内容：它可能根本不是文本，也可能是一整本书。',
  },
  'client.js': {
    'Step 1 of the chat: send what is typed, show what the server broadcasts.': '聊天室第 1 步：把输入的内容发出去，把服务器广播的内容显示出来。',
    "The windows speak the course page's language: they are frames of that page (on a page of its own, its own lang).": '窗口用课程页面的语言：它们是这个页面里的 iframe（单独打开时，用它自己的 lang）。',
    'a form would otherwise reload the page': '否则表单会重新加载页面',
    'textContent, never innerHTML: a message is text, whatever it contains': '用 textContent，不用 innerHTML：消息是文本，不管里面是什么',
  },
} satisfies CodeCommentsZh;
