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

export { freePort };

/// Subscribes to every room on the relay and keeps the raw bytes it sees.
export async function tap(relay) {
  const chunks = [];
  const socket = net.connect(relay.port, '127.0.0.1');
  socket.on('data', (d) => {
    chunks.push(d);
    if (d.includes('PING')) socket.write('PONG\r\n');
  });
  await new Promise((r) => socket.once('connect', r));
  socket.write('CONNECT {"verbose":false}\r\nSUB ctalk.> 1\r\nPING\r\n');
  return {
    bytes: () => Buffer.concat(chunks),
    close: () => socket.destroy(),
  };
}
