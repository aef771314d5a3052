import WebSocket from 'ws';
import type { ServiceProcess } from '../helper/service_process.js';

/**
 * Talks to a process's inspector (started with `--inspect=127.0.0.1:0`) to force a full garbage
 * collection and read its memory, the same way for every server under test, without any
 * hook in the server's own code.
 */
export class Inspector {
  private nextId = 1;

  private constructor(private readonly ws: WebSocket) {}

  static async attach(svc: ServiceProcess): Promise<Inspector> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(svc.output())?.[1];
    if (!url) throw new Error('the process has no inspector (start it with --inspect=127.0.0.1:0)');
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Inspector(ws);
  }

  /** One full collection, then a pause for freed pages to go back to the system. */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 1000));
  }

  /** `process.memoryUsage()` of the process. */
  async memory(): Promise<NodeJS.MemoryUsage> {
    const reply = await this.call('Runtime.evaluate', { expression: 'process.memoryUsage()', returnByValue: true });
    return (reply as { result: { value: NodeJS.MemoryUsage } }).result.value;
  }

  close(): void {
    this.ws.close();
  }

  private call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
        if (msg.id !== id) return;
        this.ws.off('message', onMessage);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}
