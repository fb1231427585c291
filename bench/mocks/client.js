// The benchmark's client, ordinary browser code as a lesson's client.js writes it. The same text runs in the run frame
// against the in-browser runtime and in a plain page against a real Node server, so both sides measure the same thing.
// The driver puts `const BENCH_CONFIG = {...}` in front of it: the URLs and the counts.
// Every phase has a deadline, so a stuck phase reports what it got instead of hanging the benchmark.
(async () => {
  const cfg = BENCH_CONFIG;
  const PAYLOAD = 'x'.repeat(cfg.payloadBytes);
  const now = () => performance.now();
  const report = (result) => window.parent.postMessage({ type: 'bench-result', result }, '*');
  const phase = (name, fn) =>
    Promise.race([
      fn(),
      new Promise((_, fail) => setTimeout(() => fail(new Error(name + ': no result within ' + cfg.phaseMs + ' ms')), cfg.phaseMs)),
    ]).catch((error) => ({ error: String(error && error.message ? error.message : error) }));

  // Sends the whole flood as fast as it can and counts what comes back; `onEach` wires the receiver to the counter.
  // In bursts of up to 100 ms, as server.js writes: the run frame stops code that holds the thread for a second, and
  // one loop of 10,000 sends, with the runtime's traffic events on, came near that on a loaded machine (and crossed it).
  function flood(send, onEach, total) {
    return new Promise((resolve) => {
      let got = 0;
      const start = now();
      const done = () => resolve({ count: got, ms: now() - start, complete: got === total });
      const timer = setTimeout(done, cfg.floodMs);
      onEach(() => {
        if (++got === total) {
          clearTimeout(timer);
          done();
        }
      });
      let sent = 0;
      const burst = () => {
        const until = now() + 100;
        while (sent < total && now() < until) {
          send();
          sent++;
        }
        if (sent < total) setTimeout(burst, 0);
      };
      burst();
    });
  }

  async function webSocket() {
    const ws = new WebSocket(cfg.wsUrl);
    await new Promise((ok, fail) => {
      ws.onopen = ok;
      ws.onerror = () => fail(new Error('WebSocket error before open'));
    });
    let pending = null;
    ws.onmessage = () => {
      const p = pending;
      pending = null;
      if (p) p();
    };
    const roundTrip = () => new Promise((ok) => {
      pending = ok;
      ws.send(PAYLOAD);
    });
    for (let i = 0; i < cfg.warmup; i++) await roundTrip();
    const rtts = [];
    for (let i = 0; i < cfg.roundTrips; i++) {
      const t = now();
      await roundTrip();
      rtts.push(now() - t);
    }
    const burst = await flood(() => ws.send(PAYLOAD), (each) => (ws.onmessage = each), cfg.wsFlood);
    ws.close();
    return { rtts, flood: burst };
  }

  // Where the time from `new EventSource` to 'open' went, in ms from the constructor: the request's Resource Timing
  // (fetchStart, the service worker's workerStart, requestStart, responseStart) and the marks bench/mocks/server.js
  // leaves when it runs in this realm (the in-browser runtime: request received, head written, first burst over, last
  // write), and when the last event arrived: whether the server's writing or the way to the client takes the time.
  function timeline(start, opened, url, last) {
    const at = (t) => (t ? t - start : undefined);
    const entry = performance.getEntriesByName(new URL(url, location.href).href, 'resource')[0];
    const mark = (name) => at(performance.getEntriesByName(name, 'mark').pop()?.startTime);
    return {
      fetchStart: at(entry?.fetchStart),
      workerStart: at(entry?.workerStart),
      requestStart: at(entry?.requestStart),
      responseStart: at(entry?.responseStart),
      serverRequest: mark('bench:sse-request'),
      serverHead: mark('bench:sse-head'),
      serverBurstEnd: mark('bench:sse-first-burst-end'),
      open: opened - start,
      serverLastWrite: mark('bench:sse-last-write'),
      lastEvent: last - start,
    };
  }

  // 'open' alone, to a server that answers at once: at the start of the flood the page's 'open' also waits for the
  // server's first 100 ms burst, which in the browser runtime holds the page's own thread (README: runtime speed).
  async function eventSourceOpens() {
    const opens = [];
    for (let i = 0; i < 10; i++) {
      const start = now();
      opens.push(
        await new Promise((resolve, fail) => {
          const es = new EventSource(cfg.httpUrl + '/events?n=1&open=' + i);
          const timer = setTimeout(() => {
            es.close();
            fail(new Error('EventSource did not open within 10 s'));
          }, 10000);
          es.onopen = () => {
            clearTimeout(timer);
            es.close();
            resolve(now() - start);
          };
        }),
      );
    }
    return opens;
  }

  async function eventSource() {
    const opens = await eventSourceOpens();
    const start = now();
    const url = cfg.httpUrl + '/events?n=' + cfg.sseEvents;
    const es = new EventSource(url);
    const result = await new Promise((resolve, fail) => {
      let got = 0;
      let opened = 0;
      const timer = setTimeout(() => resolve({ count: got, ms: now() - opened, complete: false }), cfg.floodMs);
      es.onopen = () => (opened = now());
      es.onmessage = () => {
        if (++got === cfg.sseEvents) {
          clearTimeout(timer);
          const last = now();
          resolve({ count: got, ms: last - opened, openMs: opened - start, opens, complete: true, openTimeline: timeline(start, opened, url, last) });
        }
      };
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) fail(new Error('EventSource failed (readyState CLOSED)'));
      };
    });
    es.close();
    return result;
  }

  async function socketIo() {
    const socket = io(cfg.httpUrl, { forceNew: true, reconnection: false });
    await new Promise((ok, fail) => {
      socket.on('connect', ok);
      socket.on('connect_error', (e) => fail(new Error('connect_error: ' + e.message)));
    });
    // socket.io-client starts on HTTP long polling and upgrades; measure on the transport it settles on.
    const engine = socket.io.engine;
    for (let waited = 0; engine.transport.name !== 'websocket' && waited < 5000; waited += 50) {
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const transport = engine.transport.name;
    const ack = () => new Promise((ok) => socket.emit('ack', PAYLOAD, ok));
    for (let i = 0; i < cfg.warmup; i++) await ack();
    const rtts = [];
    for (let i = 0; i < cfg.roundTrips; i++) {
      const t = now();
      await ack();
      rtts.push(now() - t);
    }
    const burst = await flood(() => socket.emit('echo', PAYLOAD), (each) => socket.on('echo', each), cfg.ioFlood);
    socket.disconnect();
    return { transport, rtts, flood: burst };
  }

  // `cfg.phases` (the driver's --profile) runs some of them alone, so a CPU profile covers one transport at a time.
  const phases = cfg.phases || ['ws', 'sse', 'io'];
  const result = {};
  if (phases.includes('ws')) result.ws = await phase('WebSocket', webSocket);
  if (phases.includes('sse')) result.sse = await phase('EventSource', eventSource);
  if (phases.includes('io')) result.io = await phase('socket.io', socketIo);
  report(result);
})();
