let source = new EventSource('/test');

source.onopen = function () {
  console.log('连接建立...', this.readyState);
};

source.onmessage = function (event) {
  console.log('数据是: ', event.data);
};

// The course wrote `source.error = ...`, which never fires: the handler is onerror.
source.onerror = function () {
  console.log('error, readyState', source.readyState);
};

setTimeout(() => source.close(), 4500);
