/**
 * The backend against learner code that misbehaves on purpose: children that keep its pipes, hide in a new session,
 * outlive the backend, listen on every interface, flood memory or output, lie about their ports; and many starts at
 * once. Each test starts a real backend and real learner processes, and looks at the kernel's view (/proc, bound
 * sockets) rather than at what the learner's process says.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasProc } from './process-tree.js';
import { freePort, openLog, runOn, spawnBackend, startRun, type BackendProcess } from './testing/backend-process.js';

const require = createRequire(import.meta.url);

/** Every process on the machine whose command line contains `marker`: how a test finds what a run left behind. */
async function processesWith(marker: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (state.slice(state.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie is dead, only not yet reaped
    if (cmdline.split('\0').join(' ').includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** A marker no other test or process uses: a learner process carries it in its arguments so the test can find it. */
const marker = (name: string) => `pushlab-hostile-${name}-${process.pid}-${Math.random().toString(36).slice(2)}`;


/** What a socket bound on `port` is bound to, from the kernel's tables: '0.0.0.0', '127.0.0.1', '::', … */
async function boundAddresses(port: number, protocol: 'tcp' | 'udp'): Promise<string[]> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of [protocol, `${protocol}6`]) {
    const table = await readFile(`/proc/net/${file}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (!local?.endsWith(`:${hex}`)) continue;
      const addr = local.split(':')[0]!;
      out.push(addr.length === 8 ? addr.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : addr);
    }
  }
  return out;
}

describe.skipIf(!hasProc)('hostile learner code', () => {
  let backend: BackendProcess;
  let token: string;
  const auth = () => ({ 'x-pushlab-token': token });

  beforeAll(async () => {
    backend = await spawnBackend([], { PUSHLAB_RUN_MEMORY_MB: '200', PUSHLAB_RUN_PROCESSES: '12' });
    token = (await backend.meta()).token;
  }, 30_000);
  afterAll(async () => {
    await backend?.stop();
  });

  const run = (pageId: string, code: string) => runOn(backend.url, token, pageId, code);
  const stop = (runId: string) => fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST', headers: auth() });
  const stderr = (log: Awaited<ReturnType<typeof run>>['log']) =>
    log.events.filter((e) => e.type === 'stderr').map((e) => e.data.text as string).join('\n');

  test('a child that keeps the run’s stdout: Stop answers within a second, the child is gone, another page is not held up', async () => {
    const m = marker('inherit');
    const { runId, log } = await run(
      'page-inherit',
      `require('child_process').spawn('sh', ['-c', 'sleep 30; echo ${m}'], { stdio: 'inherit' });
console.log('spawned');`,
    );
    await log.next('stdout', 'spawned');
    await expect.poll(() => processesWith(m)).toHaveLength(1);
    const started = performance.now();
    const [stopped, other] = await Promise.all([
      stop(runId),
      run('page-bystander', `console.log('bystander runs')`).then(async (r) => {
        await r.log.next('stdout', 'bystander runs');
        return performance.now() - started;
      }),
    ]);
    const stopMs = performance.now() - started;
    expect(stopped.status).toBe(200);
    expect(stopMs).toBeLessThan(1_500);
    expect(other).toBeLessThan(3_000);
    expect((await log.next('exit')).data).toMatchObject({ reason: 'stopped' });
    expect(await processesWith(m)).toEqual([]);
  }, 20_000);

  test('a grandchild in its own session, double-forked: gone after Stop', async () => {
    const m = marker('setsid');
    const { runId, log } = await run(
      'page-setsid',
      `const { spawn } = require('child_process');
// setsid + a shell that backgrounds sleep and exits: sleep is re-parented away from the run, in another session.
spawn('setsid', ['sh', '-c', 'sh -c "sleep 30; : ${m}" & exit 0'], { stdio: 'ignore', detached: true }).unref();
console.log('hidden');
setInterval(() => {}, 1000);`,
    );
    await log.next('stdout', 'hidden');
    await expect.poll(() => processesWith(m)).toHaveLength(1);
    await stop(runId);
    await log.next('exit');
    expect(await processesWith(m)).toEqual([]);
  }, 20_000);

  test('a server that exits by itself takes what it spawned with it', async () => {
    const m = marker('orphan');
    const { log } = await run(
      'page-orphan',
      `require('child_process').spawn('sh', ['-c', 'sleep 30; : ${m}'], { stdio: 'ignore', detached: true }).unref();
require('http').createServer((req, res) => { res.end('bye'); process.exit(0); }).listen(0);`,
    );
    await log.next('listening');
    await expect.poll(() => processesWith(m)).toHaveLength(1);
    await fetch(`${backend.url}bye`, { headers: { referer: `${backend.url}run.html?pushlab-page=page-orphan` } });
    expect((await log.next('exit')).data).toMatchObject({ code: 0, reason: null });
    await expect.poll(() => processesWith(m)).toEqual([]);
  }, 20_000);

  test('listen(" <port>"), listen("0x…") and dgram bind() are narrowed to loopback', async () => {
    const [a, b, u] = [await freePort(), await freePort(), await freePort()];
    const { runId, log } = await run(
      'page-forms',
      `const http = require('http');
http.createServer().listen(' ${a}', () => console.log('a'));
http.createServer().listen('0x${b.toString(16)}', () => console.log('b'));
const s = require('dgram').createSocket('udp4');
s.bind(${u}, () => console.log('udp ' + s.address().address));`,
    );
    for (const line of ['a', 'b']) await log.next('stdout', line);
    expect((await log.next('stdout', 'udp 127.0.0.1')).data.text).toBe('udp 127.0.0.1');
    expect(await boundAddresses(a, 'tcp')).toEqual(['127.0.0.1']);
    expect(await boundAddresses(b, 'tcp')).toEqual(['127.0.0.1']);
    expect(await boundAddresses(u, 'udp')).toEqual(['127.0.0.1']);
    await stop(runId);
  }, 20_000);

  test('a program the run spawns that listens on every interface: the run is stopped, and says why', async () => {
    const port = await freePort();
    const m = marker('exposed');
    // A second node has no preload: nothing narrows its listen, as with any program (python -m http.server, nc -l).
    const { log } = await run(
      'page-exposed',
      `require('child_process').spawn(process.execPath, ['-e', "require('net').createServer().listen(${port}, '0.0.0.0', () => console.log('open'))", '${m}'], { stdio: 'inherit' });`,
    );
    const exit = await log.next('exit');
    expect(exit.data).toMatchObject({ reason: 'limit' });
    expect(stderr(log)).toMatch(new RegExp(`listened on 0\\.0\\.0\\.0:${port} \\(TCP\\).*loopback`));
    expect(await processesWith(m)).toEqual([]);
    expect(await boundAddresses(port, 'tcp')).toEqual([]);
  }, 20_000);

  test('memory outside V8’s heap counts: Buffers over the limit stop the run', async () => {
    const { log } = await run(
      'page-buffers',
      `const kept = [];
let n = 0;
const t = setInterval(() => { kept.push(Buffer.alloc(64 * 1024 * 1024, 1)); console.log('allocated ' + (++n * 64) + ' MB'); }, 50);`,
    );
    const exit = await log.next('exit');
    expect(exit.data).toMatchObject({ reason: 'limit' });
    expect(stderr(log)).toMatch(/the run used \d+ MB of memory .*the limit is 200 MB/);
    const allocated = log.events.filter((e) => e.type === 'stdout').length * 64;
    expect(allocated).toBeLessThan(200 + 4 * 64); // stopped within a few samples of crossing the line
  }, 20_000);

  test('spawning without end: the run is stopped at the process limit and every process goes with it', async () => {
    const m = marker('spawns');
    const { log } = await run(
      'page-spawns',
      `const { spawn } = require('child_process');
let n = 0;
const t = setInterval(() => { spawn('sh', ['-c', 'sleep 30; : ${m}'], { stdio: 'ignore' }); n++; if (n === 100) clearInterval(t); }, 5);`,
    );
    const exit = await log.next('exit');
    expect(exit.data).toMatchObject({ reason: 'limit' });
    expect(stderr(log)).toMatch(/processes at once \(the limit is 12\)/);
    await expect.poll(() => processesWith(m)).toEqual([]);
  }, 20_000);

  test('a made-up "listening" report does not turn the proxy towards another local server', async () => {
    const bystander = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nSECRET'));
    bystander.listen(0, '127.0.0.1');
    await once(bystander, 'listening');
    const { port } = bystander.address() as AddressInfo;
    try {
      const { runId, log } = await run(
        'page-liar',
        `process.send({ pushlab: 'listening', port: ${port}, address: '127.0.0.1', http: true });
setInterval(() => {}, 1000);`,
      );
      await log.next('stderr', `[pushlab] ignored a report that this run listens on port ${port}: none of its processes does.`);
      expect(log.events.some((e) => e.type === 'listening')).toBe(false);
      const res = await fetch(`${backend.url}anything`, { headers: { referer: `${backend.url}run.html?pushlab-page=page-liar` } });
      expect(await res.text()).not.toContain('SECRET');
      await stop(runId);
    } finally {
      bystander.close();
    }
  }, 20_000);

  test('on Linux with util-linux, runs are contained in PID namespaces', async () => {
    const health = (await (await fetch(`${backend.url}__pushlab/health`)).json()) as { sandbox: string };
    expect(health.sandbox).toBe('pid-namespace');
  });

  test('the run sees its own processes in /proc, not the backend, the test runner or another page’s run', async () => {
    const bystander = await run('page-bystander', `setInterval(() => {}, 1000); console.log('bystander up');`);
    await bystander.log.next('stdout', 'bystander up');
    const { log } = await run(
      'page-looker',
      `const fs = require('fs');
const pids = fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e));
const names = pids.map((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').replace(/\\0/g, ' '); } catch { return ''; } });
console.log('seen ' + pids.length + ': ' + JSON.stringify(names));`,
    );
    const seen = (await log.next('stdout')).data.text as string;
    // Process 1 (our shell) and node itself.
    expect(seen).toMatch(/^seen 2: /);
    expect(seen).not.toContain('main.ts');
    expect(seen).not.toContain('bystander up');
    await stop(bystander.runId);
  });

  test('kill(0), kill(-1) and kill of the parent reach nothing outside the run: the backend and another page’s run live on', async () => {
    // Outside a PID namespace kill(-1) would reach every process of this user, the test runner too: never try it there.
    const health = (await (await fetch(`${backend.url}__pushlab/health`)).json()) as { sandbox: string };
    if (health.sandbox !== 'pid-namespace') throw new Error(`runs are not in PID namespaces here (${health.sandbox}); not sending kill(-1)`);
    const bystander = await run('page-survivor', `setInterval(() => {}, 1000); console.log('still here');`);
    await bystander.log.next('stdout', 'still here');
    const { log } = await run(
      'page-killer',
      `console.log('parent pid seen as ' + process.ppid);
setTimeout(() => {
  // 0 is this process's group; -1 is every process it may signal.
  try { process.kill(-1, 'SIGKILL'); } catch (e) { console.log('everyone: ' + e.code); }
  try { process.kill(process.ppid, 'SIGKILL'); } catch (e) { console.log('parent: ' + e.code); }
  try { process.kill(0, 'SIGKILL'); } catch (e) { console.log('group: ' + e.code); }
}, 100);
setInterval(() => {}, 1000);`,
    );
    // Inside the PID namespace the backend has no pid: the run's parent is the namespace's own process 1, and -1
    // means the run's own processes.
    await log.next('stdout', 'parent pid seen as 1');
    expect((await log.next('exit')).data).toMatchObject({ signal: 'SIGKILL' });
    expect((await fetch(`${backend.url}__pushlab/health`)).status).toBe(200);
    expect(bystander.log.events.some((e) => e.type === 'exit')).toBe(false);
    const { learnerPids } = await import('./testing/backend-process.js');
    expect(await learnerPids(backend.proc.pid!)).toHaveLength(1);
    await stop(bystander.runId);
  }, 20_000);

  test('a report that names the port of another service, held by the run on another loopback address, is followed only there', async () => {
    const decoy = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nDECOY'));
    decoy.listen(0, '127.0.0.1');
    await once(decoy, 'listening');
    const { port } = decoy.address() as AddressInfo;
    try {
      const { runId, log } = await run(
        'page-decoy',
        `// The same port on 127.0.0.2, bound below the preload, then a report that names 127.0.0.1.
const { TCP, constants } = process.binding('tcp_wrap');
const h = new TCP(constants.SERVER);
console.log('bind ' + h.bind('127.0.0.2', ${port}) + ' listen ' + h.listen(16));
process.send({ pushlab: 'listening', port: ${port}, actualPort: ${port}, address: '127.0.0.1', http: true });
setInterval(() => {}, 1000);`,
      );
      await log.next('stdout', 'bind 0 listen 0');
      const listening = await log.next('listening');
      expect(listening.data.port).toBe(port);
      // The run's raw handle never accepts, so the proxied request waits there; it must never be the decoy's answer.
      const answer = await fetch(`${backend.url}__pushlab/ports/page-decoy/${port}/secret`, { signal: AbortSignal.timeout(1_500) }).then(
        (r) => r.text(),
        () => 'no answer',
      );
      expect(answer).not.toContain('DECOY');
      await stop(runId);
    } finally {
      decoy.close();
    }
  }, 20_000);

  test('thousands of open files: the run is stopped at the file limit, and the memory check is not held back', async () => {
    const { log } = await run(
      'page-files',
      `const fs = require('fs');
const kept = [];
for (let i = 0; i < 6000; i++) kept.push(fs.openSync('/dev/null', 'r'));
console.log('opened');
setInterval(() => {}, 1000);`,
    );
    const exit = await log.next('exit');
    expect(exit.data).toMatchObject({ reason: 'limit', limit: { kind: 'files', limit: 4096 } });
  }, 20_000);

  test('a malformed escape in the ports route answers, and the backend lives on', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request(`${backend.url}__pushlab/ports/%E0%A4%A/3000/`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
      });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('upgrade', () => resolve(101));
      req.on('error', () => resolve(undefined));
      req.end();
    });
    expect(status).toBe(502);
    expect((await fetch(`${backend.url}__pushlab/ports/%E0%A4%A/3000/`)).status).toBe(502);
    expect((await fetch(`${backend.url}__pushlab/health`)).status).toBe(200);
  });

  test('16 KiB lines without end: the backend keeps a bounded amount of them', async () => {
    const rss = async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${backend.proc.pid}/status`, 'utf8'))![1]) * 1024;
    const before = await rss();
    const { runId, log } = await run(
      'page-lines',
      `const line = 'x'.repeat(16 * 1024) + '\\n';
let n = 0;
// As fast as the backend reads: each write waits for the pipe, so the child itself holds nothing back.
function burst() {
  while (n < 12000) {
    n++;
    if (!process.stdout.write(line)) return process.stdout.once('drain', burst);
  }
  console.log('done');
}
burst();`,
    );
    await log.next('stdout', 'done');
    const after = await rss();
    // 12,000 × 16 KiB = 190 MB went through. RSS is printed as a figure only: a garbage collector that has not run yet
    // (Node 24's is lazier) moves it by tens of MB either way.
    console.log(`backend RSS ${Math.round(before / 2 ** 20)} → ${Math.round(after / 2 ** 20)} MB`);
    log.close();
    // What the backend kept is what a reader that comes late is given: it is told that lines were dropped, then gets
    // the newest, 1 MiB of them at most (before output was counted in bytes it kept 5,000 lines: 80 MB).
    const late = openLog(backend.url, runId, token);
    const notice = await late.next('stderr');
    expect(notice.data.text).toMatch(/earlier line\(s\) of output were dropped/);
    await late.next('stdout', 'done');
    const replayed = late.events.filter((e) => e.type === 'stdout').reduce((n, e) => n + Buffer.byteLength(e.data.text as string), 0);
    expect(replayed).toBeGreaterThan(0);
    expect(replayed).toBeLessThanOrEqual(1024 * 1024);
    late.close();
    await stop(runId);
  }, 60_000);
});

/** A shared library whose constructor clears the loading process's parent-death signal, if a C compiler is here. */
function noDeathSignalLibrary(): string | undefined {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'pushlab-nodeath-'));
  writeFileSync(join(dir, 'nodeath.c'), '#include <sys/prctl.h>\n__attribute__((constructor)) static void init(void) { prctl(PR_SET_PDEATHSIG, 0); }\n');
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'nodeath.so'), join(dir, 'nodeath.c')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'nodeath.so')).toString('base64');
  } catch {
    return undefined;
  }
}

describe.skipIf(!hasProc)('a run that clears its own parent-death signal (process.dlopen of a library that calls prctl)', () => {
  const library = noDeathSignalLibrary();
  const code = (m: string, port: number) => `const fs = require('fs'), path = require('path');
const file = path.join(__dirname, 'x.so');
fs.writeFileSync(file, Buffer.from('${library}', 'base64'));
try { process.dlopen({ exports: {} }, file); } catch {}
process.on('SIGTERM', () => {});
process.removeAllListeners('disconnect'); process.on('disconnect', () => {});
require('child_process').spawn('sh', ['-c', 'sleep 30; : ${m}'], { stdio: 'ignore' });
require('net').createServer().listen(${port}, () => console.log('dug in'));
setInterval(() => {}, 1000);`;

  test.skipIf(!library)('Stop, and the backend’s SIGKILL, still end all of it', async () => {
    for (const end of ['stop', 'backend SIGKILL'] as const) {
      const backend = await spawnBackend();
      const token = (await backend.meta()).token;
      const m = marker('nodeath');
      const port = await freePort();
      const { runId, log } = await runOn(backend.url, token, 'p', code(m, port));
      await log.next('stdout', 'dug in');
      await expect.poll(() => processesWith(m)).toHaveLength(1);
      if (end === 'stop') {
        await fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST', headers: { 'x-pushlab-token': token } });
        await log.next('exit');
      } else {
        backend.proc.kill('SIGKILL');
        await once(backend.proc, 'exit');
      }
      await expect.poll(() => processesWith(m)).toEqual([]);
      await expect.poll(() => boundAddresses(port, 'tcp')).toEqual([]);
      if (end === 'stop') await backend.stop();
    }
  }, 60_000);
});

describe.skipIf(!hasProc)('the backend’s own end', () => {
  test('SIGKILL of the backend ends a child whose event loop is blocked and that removed its disconnect listener', async () => {
    const backend = await spawnBackend();
    const key = { 'x-pushlab-token': (await backend.meta()).token };
    const m = marker('blocked');
    const port = await freePort();
    const res = await startRun(
      backend.url,
      {
        pageId: 'p',
        lessonId: 'l',
        files: {
          'server.js': `process.removeAllListeners('disconnect');
require('child_process').spawn('sh', ['-c', 'sleep 30; : ${m}'], { stdio: 'ignore', detached: true }).unref();
require('net').createServer().listen(${port}, () => { console.log('blocking'); for (;;) {} });`,
        },
      },
      key,
    );
    const log = openLog(backend.url, ((await res.json()) as { runId: string }).runId, key['x-pushlab-token']);
    await log.next('stdout', 'blocking');
    expect(await boundAddresses(port, 'tcp')).toEqual(['127.0.0.1']);
    backend.proc.kill('SIGKILL');
    await once(backend.proc, 'exit');
    await expect.poll(() => boundAddresses(port, 'tcp')).toEqual([]);
    await expect.poll(() => processesWith(m)).toEqual([]);
  }, 30_000);

  test('SIGTERM of the backend ends what runs spawned in other sessions', async () => {
    const backend = await spawnBackend();
    const key = { 'x-pushlab-token': (await backend.meta()).token };
    const m = marker('term');
    const res = await startRun(
      backend.url,
      {
        pageId: 'p',
        lessonId: 'l',
        files: { 'server.js': `require('child_process').spawn('setsid', ['sh', '-c', 'sleep 30; : ${m}'], { stdio: 'ignore', detached: true }).unref(); console.log('ok'); setInterval(() => {}, 1000);` },
      },
      key,
    );
    const log = openLog(backend.url, ((await res.json()) as { runId: string }).runId, key['x-pushlab-token']);
    await log.next('stdout', 'ok');
    await expect.poll(() => processesWith(m)).toHaveLength(1);
    expect(await backend.stop()).toBe(0);
    await expect.poll(() => processesWith(m)).toEqual([]);
  }, 30_000);

  test('fifty concurrent starts from fifty pages: no more children than the limit, the rest refused with the reason', async () => {
    for (const args of [[], ['--no-exec']]) {
      const backend = await spawnBackend(args, { PUSHLAB_MAX_CHILDREN: '4' });
      try {
        const key = { 'x-pushlab-token': (await backend.meta()).token };
        const m = marker('crowd');
        const code = `console.log('${m}'); setInterval(() => {}, 1000);`;
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            startRun(backend.url, { pageId: `crowd-${i}`, lessonId: 'hello', files: { 'server.js': code } }, key),
          ),
        );
        const statuses = answers.map((r) => r.status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(4);
        expect(statuses.filter((s) => s === 503)).toHaveLength(46);
        const refused = answers.find((r) => r.status === 503)!;
        expect(await refused.text()).toContain('Too many servers running at once (4)');
        const { learnerPids } = await import('./testing/backend-process.js');
        expect((await learnerPids(backend.proc.pid!)).length).toBeLessThanOrEqual(4);
      } finally {
        await backend.stop();
      }
    }
  }, 60_000);

  test('run folders of a backend that was killed are removed by the next start', async () => {
    const { readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const first = await spawnBackend();
    const key = { 'x-pushlab-token': (await first.meta()).token };
    const res = await startRun(first.url, { pageId: 'p', lessonId: 'l', files: { 'server.js': 'setInterval(() => {}, 1000)' } }, key);
    expect(res.status).toBe(201);
    const folder = `pushlab-runs-${first.proc.pid}`;
    expect(await readdir(tmpdir())).toContain(folder);
    first.proc.kill('SIGKILL');
    await once(first.proc, 'exit');
    expect(await readdir(tmpdir())).toContain(folder);
    const second = await spawnBackend();
    try {
      expect(await readdir(tmpdir())).not.toContain(folder);
    } finally {
      await second.stop();
    }
  }, 30_000);
});
