/**
 * The comparison servers of the HTTP benchmark, each run in its own process:
 * `tsx test/bench/targets.ts raw|hono|gatehouse-echo <port>`.
 */
import http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { BaseConf } from '../../common/libs/base_conf.js';
import { BaseView } from '../../common/libs/base_view.js';
import { createHttpApp } from '../../common/libs/http_app.js';
import { listen } from '../../common/libs/http_server.js';
import { loadConf } from '../../common/libs/load_conf.js';
import { MultLogger } from '../../common/libs/mult_logger.js';

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
const HEALTH = JSON.stringify({ code: 0, msg: 'ok', data: { status: 'ok' } });

function rawNode(): void {
  http
    .createServer((req, res) => {
      if (req.method === 'POST') {
        let text = '';
        req.on('data', (d) => (text += d));
        req.on('end', () => {
          const body = JSON.parse(text);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 0, msg: 'ok', data: body }));
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(HEALTH);
    })
    .listen(port, '127.0.0.1');
}

function bareHono(): void {
  const app = new Hono();
  app.get('/health', (c) => c.json({ code: 0, msg: 'ok', data: { status: 'ok' } }));
  app.post('/echo', async (c) => c.json({ code: 0, msg: 'ok', data: await c.req.json() }));
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
}

class EchoView extends BaseView {
  static override spec = {
    post: {
      body: {
        type: 'object',
        required: ['name', 'count'],
        properties: {
          name: { type: 'string', maxLength: 64 },
          count: { type: 'integer', minimum: 0, maximum: 1_000_000 },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  };
  async post() {
    return this.answer(this.body());
  }
}

class BenchConf extends BaseConf {
  override SERVER_NAME = 'bench_echo';
  override SERVER_ID = 'bench';
  override DB = { default: 'sqlite::memory:' };
}

async function gatehouseEcho(): Promise<void> {
  const conf = loadConf(BenchConf, { env: { RUN_PORT: String(port), LOG_DIR: process.env.LOG_DIR ?? 'run_logs' } });
  const log = new MultLogger({ service: conf.SERVER_NAME, dir: conf.LOG_DIR, stdout: conf.LOG_STDOUT });
  const { app } = createHttpApp({ conf, log, routes: [['/echo', EchoView]] });
  await listen(app, port, '127.0.0.1');
}

if (kind === 'raw') rawNode();
else if (kind === 'hono') bareHono();
else if (kind === 'gatehouse-echo') await gatehouseEcho();
else throw new Error(`unknown target ${kind}`);
