import http from 'node:http';

/** One request of a load run: when it was written, when it ended, and how. */
export interface Shot {
  path: string;
  sentAt: number;
  doneAt: number;
  status?: number;
  /** Error code (ECONNREFUSED, ECONNRESET...) when no answer came. */
  error?: string;
}

export interface LoadOptions {
  /** Requests in flight at any time (one keep-alive connection each). */
  concurrency: number;
  /** Requests cycle through these; a `body` (or a function making one per request) makes it a JSON POST. */
  requests: { path: string; body?: unknown | (() => unknown); headers?: Record<string, string> }[];
}

/**
 * A closed-loop load generator that records every request. autocannon serves the benchmark,
 * but here each request's fate is the point, and autocannon silently re-sends a request whose
 * connection was closed under it, so a request lost at a restart would go uncounted.
 * Times are `performance.now()`, comparable with `now()` below.
 */
export class Load {
  readonly shots: Shot[] = [];
  private running = true;
  private readonly agent: http.Agent;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly port: number,
    opts: LoadOptions,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
    this.loops = Array.from({ length: opts.concurrency }, (_, i) => this.loop(opts.requests, i));
  }

  async stop(): Promise<Shot[]> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
    return this.shots;
  }

  private async loop(requests: LoadOptions['requests'], offset: number): Promise<void> {
    for (let i = offset; this.running; i++) {
      const shot = await this.send(requests[i % requests.length]!);
      this.shots.push(shot);
      // A refused connection comes back at once: do not spin while the service is down.
      if (shot.error) await new Promise((r) => setTimeout(r, 20));
    }
  }

  private send(req: LoadOptions['requests'][number]): Promise<Shot> {
    const data = typeof req.body === 'function' ? req.body() : req.body;
    const body = data === undefined ? undefined : JSON.stringify(data);
    const headers: Record<string, string> = { ...req.headers };
    if (body) headers['content-type'] = 'application/json';
    return new Promise((resolve) => {
      const sentAt = now();
      const done = (result: Partial<Shot>) => resolve({ path: req.path, sentAt, doneAt: now(), ...result });
      const out = http.request(
        { port: this.port, host: '127.0.0.1', path: req.path, method: body ? 'POST' : 'GET', headers, agent: this.agent },
        (res) => {
          res.resume();
          res.once('end', () => done({ status: res.statusCode }));
          res.once('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
        },
      );
      out.once('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
      out.setTimeout(30_000, () => out.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      out.end(body);
    });
  }
}

export function now(): number {
  return performance.now();
}

/** Requests written before `at` that did not get a 2xx answer. */
export function failedBefore(shots: Shot[], at: number): Shot[] {
  return shots.filter((s) => s.sentAt < at && !(s.status && s.status < 300));
}
