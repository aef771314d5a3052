import http from 'node:http';

/** One request of a balanced load run and how it ended. */
export interface BalancedShot {
  method: 'GET' | 'POST';
  path: string;
  port: number;
  status?: number;
  /** The answer said `Connection: close` (served while that instance drained). */
  closing?: boolean;
  /** Error code (ECONNRESET, socket hang up, TIMEOUT...) when no answer came. */
  error?: string;
  /** The JSON body of a POST answer. */
  body?: unknown;
}

export interface BalancedRequest {
  path: string;
  headers?: Record<string, string>;
  /** Makes it a JSON POST; called once per request. */
  body?: () => unknown;
}

/**
 * Closed-loop clients that behave like a load balancer in front of several instances: each
 * client keeps its kept-alive connection to one instance; a refused connection (the
 * instance stopped listening, so the request was never sent) goes to the next instance;
 * anything else that leaves a request unanswered (a reset, a hang-up, 30 s of silence) is
 * recorded as a failure, never retried.
 */
export class Balancer {
  readonly shots: BalancedShot[] = [];
  private running = true;
  private readonly agents: Map<number, http.Agent>;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly ports: number[],
    clients: number,
    requests: BalancedRequest[],
  ) {
    this.agents = new Map(ports.map((port) => [port, new http.Agent({ keepAlive: true, maxSockets: clients })]));
    this.loops = Array.from({ length: clients }, (_, i) => this.loop(requests, i));
  }

  /** Answers (2xx) an instance gave so far. */
  served(port: number): number {
    return this.shots.filter((s) => s.port === port && s.status && s.status < 300).length;
  }

  async stop(): Promise<BalancedShot[]> {
    this.running = false;
    await Promise.all(this.loops);
    for (const agent of this.agents.values()) agent.destroy();
    return this.shots;
  }

  private async loop(requests: BalancedRequest[], client: number): Promise<void> {
    let target = client % this.ports.length;
    for (let i = client; this.running; i++) {
      const req = requests[i % requests.length]!;
      const body = req.body ? JSON.stringify(req.body()) : undefined;
      for (let refused = 0; ; refused++) {
        const shot = await this.send(this.ports[target]!, req, body);
        if (shot.error !== 'ECONNREFUSED') {
          this.shots.push(shot);
          break;
        }
        target = (target + 1) % this.ports.length;
        // every instance refused: the test stopped them all, or is about to
        if (refused % this.ports.length === this.ports.length - 1) {
          if (!this.running) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }

  private send(port: number, req: BalancedRequest, body: string | undefined): Promise<BalancedShot> {
    const method = body === undefined ? 'GET' : 'POST';
    const headers: Record<string, string> = { ...req.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve) => {
      const base = { method, path: req.path, port } as const;
      const out = http.request(
        { port, host: '127.0.0.1', path: req.path, method, headers, agent: this.agents.get(port) },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.once('end', () =>
            resolve({
              ...base,
              status: res.statusCode,
              closing: res.headers.connection === 'close',
              body: method === 'POST' ? parseJson(text) : undefined,
            }),
          );
          res.once('error', (err: NodeJS.ErrnoException) => resolve({ ...base, error: err.code ?? err.message }));
        },
      );
      out.once('error', (err: NodeJS.ErrnoException) => resolve({ ...base, error: err.code ?? err.message }));
      out.setTimeout(30_000, () => out.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      out.end(body);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
