import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers: like a WeCom robot (`{"errcode":0}`), refusing (errcode 45009), or never. */
export type ReceiverMode = 'ok' | 'refuse' | 'hang';

/** A local webhook endpoint that records every JSON body posted to it. */
export class WebhookReceiver {
  readonly bodies: Record<string, unknown>[] = [];
  mode: ReceiverMode = 'ok';
  private readonly server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      this.bodies.push(JSON.parse(text));
      if (this.mode === 'hang') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(this.mode === 'ok' ? '{"errcode":0,"errmsg":"ok"}' : '{"errcode":45009,"errmsg":"api freq out of limit"}');
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test-key`;
  }

  start(): Promise<this> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this)));
  }

  /** Resolves once `count` bodies arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.bodies.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.bodies.length} of ${count} notices arrived in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.bodies;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
