// Three people open the page, one after another. Each io() is a connection of its own, through the load balancer
// on port 3000. reconnection: false gives each one attempt, so what happens to each is easy to follow.
function person(name, token) {
  const socket = io({ auth: { name, token }, reconnection: false });
  socket.on('connect', () => console.log(`${name}: connected`));
  socket.on('hello', (server) => console.log(`${name}: served by ${server}`));
  socket.on('said', (text) => console.log(`${name} got: ${text}`));
  socket.on('connect_error', (err) => console.warn(`${name}: connect_error: ${err.message}`));
  socket.on('disconnect', (reason) => console.warn(`${name}: disconnected (${reason})`));
  // Settles once the attempt is decided, either way.
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', () => resolve(socket));
  });
}

async function arrive() {
  const alice = await person('alice', 'let-me-in');
  await person('bob', 'let-me-in');
  await person('mallory', 'guess'); // not given the token: she should not get in

  // Once everyone has arrived, alice says something to everyone.
  if (alice.connected) alice.emit('say', 'hello, everyone');
}

arrive();
