// The course's client: its layout tidied and its parameter typo (`evnet`) fixed, its mistake kept.
let source = new EventSource('/test');
source.onopen = function () {
  console.log('连接建立...', this.readyState);
};

// console.log(source)

source.onmessage = function (event) {
  console.log('数据是: ', event.data);
};

source.error = function (err) {
  return console.log('err');
};
