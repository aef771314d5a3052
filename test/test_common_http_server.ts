import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Hono } from 'hono';
import { listen } from '../common/libs/http_server.js';

/** One GET on `agent`'s kept-alive socket: status and the `Connection` header. */
function get(port: number, agent: http.Agent): Promise<{ status: number; connection: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection) }));
    });
    req.once('error', reject);
  });
}

/** How a fresh TCP connection to `port` ends: 'connected' or the error code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('http server stop', () => {
  it('refuses new connections at stopAccepting and still answers a kept-alive one, with Connection: close', async () => {
    const app = new Hono();
    app.get('/', (c) => c.text('ok'));
    const handle = await listen(app, 0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.deepEqual(await get(handle.port, agent), { status: 200, connection: 'keep-alive' });
      assert.equal(await connectOutcome(handle.port), 'connected');

      handle.stopAccepting();
      assert.equal(handle.draining(), true);
      assert.equal(await connectOutcome(handle.port), 'ECONNREFUSED');
      // the socket opened before the stop is still served, and told to go
      assert.deepEqual(await get(handle.port, agent), { status: 200, connection: 'close' });
      await handle.close(5_000);
    } finally {
      agent.destroy();
    }
  });
});
