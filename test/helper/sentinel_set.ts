import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import { tempDir } from './backends.js';
import { freePort, waitForPort } from './ports.js';
import { until } from './wait.js';

export const MASTER_NAME = 'gh_primary';

/** Whether `redis-sentinel` (Debian package redis-sentinel) is on the PATH. */
export function sentinelInstalled(): boolean {
  return !!process.env.PATH?.split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-sentinel')));
}

interface Node {
  port: number;
  proc?: ChildProcess;
}

function run(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: 'ignore' });
}

async function kill(node: Node): Promise<void> {
  const proc = node.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Sends one command to 127.0.0.1:`port` on a short-lived connection. */
export async function ask(port: number, args: string[]): Promise<unknown> {
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/**
 * A private Sentinel set for one suite: a primary, one replica (`--replicaof`) and three
 * sentinels (quorum 2, down-after 1000 ms, failover-timeout 3000 ms) on free ports, configs in
 * a temp dir. Never the machine's Redis; `stop()` kills exactly the processes it started.
 */
export class SentinelSet {
  readonly dir = tempDir('sentinel');
  primary: Node = { port: 0 };
  replica: Node = { port: 0 };
  sentinels: Node[] = [];

  /** `redis-sentinel://127.0.0.1:<p1>,127.0.0.1:<p2>,127.0.0.1:<p3>/gh_primary`. */
  get url(): string {
    return `redis-sentinel://${this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${MASTER_NAME}`;
  }

  async start(): Promise<this> {
    this.primary.port = await freePort();
    this.replica.port = await freePort();
    this.startServer(this.primary);
    this.startServer(this.replica, ['--replicaof', '127.0.0.1', String(this.primary.port)]);
    await Promise.all([waitForPort(this.primary.port), waitForPort(this.replica.port)]);
    if (!(await until(async () => (await this.info(this.replica.port)).includes('master_link_status:up'), 10_000, 100))) {
      throw new Error('the replica did not sync with the primary');
    }
    for (let i = 0; i < 3; i++) {
      const node: Node = { port: await freePort() };
      const conf = path.join(this.dir, `sentinel-${node.port}.conf`);
      fs.writeFileSync(
        conf,
        [
          `port ${node.port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${this.primary.port} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 3000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      node.proc = run('redis-sentinel', [conf]);
      this.sentinels.push(node);
    }
    await Promise.all(this.sentinels.map((s) => waitForPort(s.port)));
    // A failover needs every sentinel to know the replica and the two other sentinels.
    const settled = await until(
      async () => {
        for (const s of this.sentinels) {
          const replicas = (await ask(s.port, ['SENTINEL', 'REPLICAS', MASTER_NAME])) as unknown[];
          const peers = (await ask(s.port, ['SENTINEL', 'SENTINELS', MASTER_NAME])) as unknown[];
          if (replicas.length < 1 || peers.length < 2) return false;
        }
        return true;
      },
      20_000,
      200,
    );
    if (!settled) throw new Error('the sentinels did not discover the replica and each other');
    return this;
  }

  /** The port of the primary the sentinels name now (each must agree). */
  async primaryPort(): Promise<number | undefined> {
    const ports = new Set<number>();
    for (const s of this.sentinels) {
      const addr = (await ask(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME])) as string[] | null;
      if (addr) ports.add(Number(addr[1]));
    }
    return ports.size === 1 ? [...ports][0] : undefined;
  }

  /** Kills the current primary hard (SIGKILL); resolves with its port once it is gone. */
  async killPrimary(): Promise<number> {
    await kill(this.primary);
    return this.primary.port;
  }

  /**
   * Starts the killed primary again, empty, as a replica of `primaryPort` (what an operator or
   * orchestrator does; the sentinels would also convert it, but only after their next INFO
   * round, about 10 s later).
   */
  restartOldPrimary(primaryPort: number): Promise<void> {
    this.startServer(this.primary, ['--replicaof', '127.0.0.1', String(primaryPort)]);
    return waitForPort(this.primary.port);
  }

  /** Whether the server on `port` is a replica with its link to its primary up. */
  async isSyncedReplica(port: number): Promise<boolean> {
    const info = await this.info(port);
    return info.includes('role:slave') && info.includes('master_link_status:up');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, this.primary, this.replica].map(kill));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private info(port: number): Promise<string> {
    return ask(port, ['INFO', 'replication']) as Promise<string>;
  }

  private startServer(node: Node, extra: string[] = []): void {
    const dir = path.join(this.dir, `server-${node.port}`);
    fs.mkdirSync(dir, { recursive: true });
    node.proc = run('redis-server', [
      '--port',
      String(node.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extra,
    ]);
  }
}
