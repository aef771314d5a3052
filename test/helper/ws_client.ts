import WebSocket, { type ClientOptions } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/** A guidance message as a client receives it. */
export interface Guide {
  room: string;
  seq: number;
  body: unknown;
  sender: string;
  at: string;
}

/** A frame from the server: a reply `{cmd, req, code, msg, data}` or a push `{cmd, data}` (no req, code, msg). */
export interface ServerFrame {
  cmd: string;
  req: string | number | null;
  code: number;
  msg: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the fields they expect of each command
  data?: any;
}

export interface GuideConnectOptions {
  token?: string;
  /** Send the token as `Authorization: Bearer` instead of `?token=`. */
  header?: boolean;
  ws?: ClientOptions;
}

const WAIT_MS = 15_000;

/** A real `ws` client speaking the guidance protocol; records every frame it receives. */
export class GuideClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<Closed>;
  private nextReq = 1;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters) wake();
      });
    });
    ws.on('error', () => {});
  }

  /** Opens a socket to `url` (e.g. `ws://127.0.0.1:port/v1/guide`); rejects with the status of a refused upgrade. */
  static connect(url: string, opts: GuideConnectOptions = {}): Promise<GuideClient> {
    const target = opts.token && !opts.header ? `${url}?token=${encodeURIComponent(opts.token)}` : url;
    const headers = opts.token && opts.header ? { authorization: `Bearer ${opts.token}` } : undefined;
    const ws = new WebSocket(target, { headers, ...opts.ws });
    const client = new GuideClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Sends a command and resolves with its reply (any code). */
  async request(cmd: string, data?: Record<string, unknown>): Promise<ServerFrame> {
    const req = this.nextReq++;
    this.ws.send(JSON.stringify(data === undefined ? { cmd, req } : { cmd, req, data }));
    return this.waitFor((f) => f.req === req);
  }

  /** Sends raw text (or a Buffer as a binary frame). */
  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Every `guide` frame of `room` received so far. */
  guides(room: string): Guide[] {
    return this.frames.filter((f) => f.cmd === 'guide' && f.data.room === room).map((f) => f.data as Guide);
  }

  /** Resolves once `room` has a guide with seq >= `seq`. */
  async waitForSeq(room: string, seq: number, timeoutMs = WAIT_MS): Promise<Guide[]> {
    await this.waitFor(() => this.guides(room).some((g) => g.seq >= seq), timeoutMs);
    return this.guides(room);
  }

  /** Resolves with the first frame (received before or after the call) matching `test`. */
  waitFor(test: (frame: ServerFrame) => boolean, timeoutMs = WAIT_MS): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(test);
        if (found !== undefined) return done(() => resolve(found));
        if (this.ws.readyState === WebSocket.CLOSED) done(() => reject(new Error('socket closed while waiting')));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching frame in ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the close code and reason, or rejects if the socket is still open after `timeoutMs`. */
  async waitClosed(timeoutMs = WAIT_MS): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Seqs of `guides`, for comparing with an expected run. */
export function seqsOf(guides: Guide[]): number[] {
  return guides.map((g) => g.seq);
}

/** `[from, from+1, ..., to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
