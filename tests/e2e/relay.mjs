// A real nats-server for the live-session tests, on loopback ports of its own, and a plain
// NATS subscriber that records everything passing through the relay.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = fs.existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

// Ports handed out already: a port closed after the probe can come back from the next
// probe before nats-server has bound it (two cluster nodes then fight over one port).
const handedOut = new Set();

async function freePort() {
  for (;;) {
    const port = await new Promise((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

async function waitForPort(port, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

/// Starts nats-server; `routes` makes it a cluster node.
export async function startRelay({ clusterPort, routes = [] } = {}) {
  const port = await freePort();
  const wsPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nats-'));
  let conf = `listen: 127.0.0.1:${port}\nmax_payload: 1MB\nwebsocket {\n  listen: "127.0.0.1:${wsPort}"\n  no_tls: true\n}\n`;
  // JetStream keeps the paired-sync mailboxes (on disk: a restart keeps them). Clusters
  // with JetStream are started from deploy/nats (see paired-cluster.spec.mjs).
  if (!clusterPort) conf += `jetstream { store_dir: "${path.join(dir, 'js')}" }\n`;
  if (clusterPort) {
    conf += `cluster {\n  name: ct\n  listen: 127.0.0.1:${clusterPort}\n  routes: [${routes.map((r) => `nats-route://127.0.0.1:${r}`).join(', ')}]\n}\n`;
  }
  const file = path.join(dir, 'relay.conf');
  fs.writeFileSync(file, conf);
  const relay = {
    port, wsPort, url: `ws://127.0.0.1:${wsPort}`, proc: null,
    async start() {
      this.proc = spawn(BIN, ['-c', file], { stdio: 'ignore' });
      await waitForPort(wsPort);
      await waitForPort(port);
    },
    async stop() {
      if (!this.proc) return;
      const p = this.proc;
      this.proc = null;
      await new Promise((r) => { p.once('exit', r); p.kill('SIGKILL'); });
    },
  };
  await relay.start();
  return relay;
}

export { freePort, waitForPort };

/// Subscribes to every room on the relay and keeps the raw bytes it sees (`credentials`:
/// {user, pass} on a relay that asks for them).
export async function tap(relay, credentials = {}) {
  const chunks = [];
  const socket = net.connect(relay.port, '127.0.0.1');
  socket.on('data', (d) => {
    chunks.push(d);
    if (d.includes('PING')) socket.write('PONG\r\n');
  });
  await new Promise((r) => socket.once('connect', r));
  socket.write(`CONNECT ${JSON.stringify({ verbose: false, ...credentials })}\r\nSUB ctalk.> 1\r\nPING\r\n`);
  return {
    bytes: () => Buffer.concat(chunks),
    close: () => socket.destroy(),
  };
}

/// Reads every message kept in the paired-sync stream, as anyone holding the relay's
/// credentials could: a JetStream consumer over all mailboxes. Returns [{subject, payload,
/// seq}] (seq: the stream sequence).
export async function readMailboxes(relay, credentials = {}) {
  // On a cluster that lost a node, the relay may place the consumer on the lost node and
  // never answer: ask again, as the app does.
  for (let attempt = 1; ; attempt++) {
    try {
      return await readMailboxesOnce(relay, credentials);
    } catch (e) {
      if (attempt === 6 || !/not read in time/.test(e.message)) throw e;
    }
  }
}

async function readMailboxesOnce(relay, { user, pass } = {}) {
  const socket = net.connect(relay.port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let buf = Buffer.alloc(0);
  const messages = [];
  let created = null;
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stream was not read in time (read ${messages.length})`)), 5000);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n');
        if (end < 0) return;
        const line = buf.subarray(0, end).toString();
        if (line.startsWith('PING')) { socket.write('PONG\r\n'); buf = buf.subarray(end + 2); continue; }
        if (line.startsWith('-ERR')) { clearTimeout(timer); reject(new Error(line)); return; }
        if (!line.startsWith('MSG ')) { buf = buf.subarray(end + 2); continue; }
        const parts = line.split(' ');
        const size = Number(parts[parts.length - 1]);
        if (buf.length < end + 2 + size + 2) return;
        const payload = buf.subarray(end + 2, end + 2 + size);
        buf = buf.subarray(end + 2 + size + 2);
        if (parts[1] === '_INBOX.raw.created') {
          created = JSON.parse(payload.toString());
          if (created.error) { clearTimeout(timer); reject(new Error(created.error.description)); }
          if (created.num_pending === 0) { clearTimeout(timer); resolve(); }
          continue;
        }
        const ack = parts[3].split('.');
        messages.push({ subject: parts[1], payload: Buffer.from(payload), seq: Number(ack[5]) });
        const pending = Number(ack.at(-1));
        if (pending === 0) { clearTimeout(timer); resolve(); }
      }
    });
  });
  const auth = user ? `,"user":"${user}","pass":"${pass}"` : '';
  const request = JSON.stringify({
    stream_name: 'CTMB',
    config: { deliver_subject: '_INBOX.raw.deliver', filter_subject: 'ctmb.>', deliver_policy: 'all', ack_policy: 'none' },
  });
  socket.write(`CONNECT {"verbose":false${auth}}\r\nSUB _INBOX.raw.deliver 1\r\nSUB _INBOX.raw.created 2\r\n`);
  socket.write(`PUB $JS.API.CONSUMER.CREATE.CTMB _INBOX.raw.created ${Buffer.byteLength(request)}\r\n${request}\r\n`);
  try {
    await done;
  } finally {
    socket.destroy();
  }
  return messages;
}

/// Publishes raw bytes on a subject (a stranger, or a broken client, writing to a mailbox).
export async function publishRaw(relay, subject, bytes) {
  const socket = net.connect(relay.port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const acked = new Promise((r) => socket.on('data', (d) => { if (d.includes('"seq"') || d.includes('PONG')) r(); }));
  socket.write(`CONNECT {"verbose":false}\r\nSUB _INBOX.raw.ack 1\r\nPUB ${subject} _INBOX.raw.ack ${bytes.length}\r\n`);
  socket.write(Buffer.concat([bytes, Buffer.from('\r\nPING\r\n')]));
  await acked;
  socket.destroy();
}
