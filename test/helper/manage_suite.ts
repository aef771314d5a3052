import { randomBytes } from 'node:crypto';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './backends.js';
import { type Call, client } from './http_client.js';
import { watchLogDir, watchSecret } from './secret_watch.js';
import { type ServiceProcess, startService } from './service_process.js';

export interface ManageCtx {
  backend: Backend;
  svc: ServiceProcess;
  call: Call;
  logDir: string;
  adminPassword: string;
  adminToken: string;
  /** Signs in and returns the token (asserting success). */
  login(username: string, password: string): Promise<string>;
  /** Creates an account as admin and returns its id. */
  createAccount(username: string, password: string, role: string): Promise<number>;
}

/**
 * Runs `body` once per back end (embedded SQLite + in-process cache; MariaDB + Redis)
 * against a real `http_manage_system.ts` process on a free port.
 */
export function describeManage(title: string, body: (ctx: ManageCtx) => void, extraEnv: Record<string, string> = {}): void {
  for (const name of BACKEND_NAMES) {
    describe(`${title} [${name}]`, () => {
      const ctx = { adminPassword: `pw-${randomBytes(6).toString('hex')}` } as ManageCtx;

      before(async function () {
        this.timeout(60_000);
        if (name === 'mysql') await needServices(this);
        ctx.backend = await openBackend(name);
        ctx.logDir = tempDir('logs');
        watchLogDir(ctx.logDir);
        watchSecret(ctx.adminPassword);
        ctx.svc = await startService('http_manage_system.ts', {
          ...ctx.backend.env,
          LOG_DIR: ctx.logDir,
          ADMIN_PASSWORD: ctx.adminPassword,
          ...extraEnv,
        });
        ctx.call = client(ctx.svc.url);
        ctx.login = async (username, password) => {
          const res = await ctx.call('POST', '/v1/auth/login', { body: { username, password } });
          if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
          watchSecret(password);
          watchSecret(res.body.data.token);
          return res.body.data.token as string;
        };
        ctx.createAccount = async (username, password, role) => {
          const res = await ctx.call('POST', '/v1/accounts', { token: ctx.adminToken, body: { username, password, role } });
          if (res.status !== 201) throw new Error(`create ${username} failed: ${res.status} ${res.text}`);
          return res.body.data.id as number;
        };
        ctx.adminToken = await ctx.login('admin', ctx.adminPassword);
      });

      after(async function () {
        this.timeout(30_000);
        await ctx.svc?.stop();
        await ctx.backend?.teardown();
      });

      body(ctx);
    });
  }
}
