// The course's client, with a log on connect and a body for its message handler added. io.connect() is io(): with no URL it connects to the page's own server.
let socket = io.connect();
socket.on('connect', () => console.log('connected, id', socket.id));

this.emit('clientfn', 'hello i am client');

socket.on('message', function (data) {
  console.log('message:', data);
});
