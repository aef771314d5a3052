import net from 'node:net';

/**
 * A TCP proxy in front of a real server (the machine's MariaDB, say) that a test can cut and
 * restore, to simulate an outage without touching the server itself.
 */
export class TcpProxy {
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly replies = new Map<net.Socket, net.Socket>(); // upstream -> client
  private holding = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = this.port): Promise<this> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      this.replies.set(upstream, client);
      upstream.on('close', () => this.replies.delete(upstream));
      client.pipe(upstream);
      if (this.holding) upstream.pause();
      else upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Drops every open connection and refuses new ones until `start()` is called again. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Keeps every connection open and forwards what clients send, but holds back what the server
   * answers, on open and new connections alike: a server that takes commands and never
   * answers. `releaseReplies()` forwards what was held and everything after.
   */
  holdReplies(): void {
    this.holding = true;
    for (const [upstream, client] of this.replies) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  releaseReplies(): void {
    this.holding = false;
    for (const [upstream, client] of this.replies) upstream.pipe(client);
  }
}
