import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForPort } from './ports.js';

export const NGINX_BINARY = '/usr/sbin/nginx';

/** The committed template with each `{{NAME}}` replaced; throws on a placeholder left unfilled. */
export function renderNginxConf(templatePath: string, values: Record<string, string>): string {
  let text = fs.readFileSync(templatePath, 'utf8');
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{{${name}}}`, value);
  const left = /\{\{[A-Z_]+\}\}/.exec(text);
  if (left) throw new Error(`${templatePath}: ${left[0]} was not filled`);
  return text;
}

/**
 * A private nginx (Debian's binary) under `dir`: a minimal main config holding its own pid,
 * error log and temp paths, which includes the rendered http-context file `site`. Never the
 * machine's nginx: only the pid started here is signalled.
 */
export class NginxServer {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private output = '';
  readonly mainConf: string;

  constructor(
    readonly dir: string,
    site: string,
  ) {
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const sitePath = path.join(dir, 'gatehouse.conf');
    fs.writeFileSync(sitePath, site);
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, `${name}_temp`)};`;
    this.mainConf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      this.mainConf,
      [
        'worker_processes 1;',
        'events { worker_connections 1024; }',
        'http {',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
        `  access_log ${path.join(dir, 'logs', 'other.access.log')};`,
        `  include ${sitePath};`,
        '}',
        '',
      ].join('\n'),
    );
  }

  get errorLog(): string {
    return path.join(this.dir, 'logs', 'error.log');
  }

  private args(): string[] {
    const globals = `daemon off; pid ${path.join(this.dir, 'nginx.pid')}; error_log ${this.errorLog} info;`;
    return ['-p', this.dir, '-e', this.errorLog, '-c', this.mainConf, '-g', globals];
  }

  /** `nginx -t` on the config: the error text, or undefined when it is valid. */
  check(): string | undefined {
    const res = spawnSync(NGINX_BINARY, [...this.args(), '-t'], { encoding: 'utf8' });
    return res.status === 0 ? undefined : `${res.stdout}${res.stderr}`;
  }

  /** Starts it and waits until `port` (one of its listen ports) accepts. */
  async start(port: number): Promise<void> {
    const proc = spawn(NGINX_BINARY, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (d) => (this.output += d));
    proc.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const died = this.exited.then(() => {
      throw new Error(`nginx exited at start: ${this.output}${this.readErrorLog()}`);
    });
    await Promise.race([waitForPort(port), died]);
  }

  readErrorLog(): string {
    return fs.existsSync(this.errorLog) ? fs.readFileSync(this.errorLog, 'utf8') : '';
  }

  /** Stops the master it started (SIGTERM: at once; a graceful stop would wait for open WebSockets) and waits for it to exit. */
  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exited;
  }
}
