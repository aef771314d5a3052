import { randomBytes } from 'node:crypto';
import { type Backend, needServices, openBackend, tempDir } from './backends.js';
import { type Call, client } from './http_client.js';
import { watchLogDir, watchSecret } from './secret_watch.js';
import { type ServiceProcess, startService } from './service_process.js';
import { GuideClient, type GuideConnectOptions } from './ws_client.js';

export interface GuidanceCtx {
  backend: Backend;
  manage: ServiceProcess;
  /** HTTP calls to manage_system. */
  call: Call;
  gateways: ServiceProcess[];
  logDir: string;
  adminToken: string;
  operatorToken: string;
  viewerToken: string;
  operatorName: string;
  viewerName: string;
  /** Starts one more ws_guidance process on the suite's back end. */
  startGateway(env?: Record<string, string>): Promise<ServiceProcess>;
  /** Connects to gateway `i` (default 0) with a token (default: the viewer's). */
  connect(opts?: GuideConnectOptions & { gateway?: ServiceProcess | number }): Promise<GuideClient>;
  /** Creates an account and signs it in; returns its token. */
  newAccount(role: string): Promise<{ id: number; username: string; token: string }>;
}

export interface GuidanceSuiteOptions {
  backends?: readonly Backend['name'][];
  gateways?: number;
  /** Extra environment for every gateway. */
  env?: Record<string, string>;
  /** Extra environment for manage_system. */
  manageEnv?: Record<string, string>;
}

/** `ws://127.0.0.1:<port>/v1/guide` of a gateway process. */
export function guideUrl(svc: ServiceProcess): string {
  return `ws://127.0.0.1:${svc.port}/v1/guide`;
}

/**
 * Runs `body` once per back end against a real `http_manage_system.ts` (accounts, tokens)
 * and `gateways` real `ws_guidance.ts` processes sharing its database (and Redis).
 */
export function describeGuidance(title: string, body: (ctx: GuidanceCtx) => void, opts: GuidanceSuiteOptions = {}): void {
  for (const name of opts.backends ?? (['sqlite', 'mysql'] as const)) {
    describe(`${title} [${name}]`, function () {
      this.timeout(60_000);
      const ctx = { gateways: [] as ServiceProcess[] } as GuidanceCtx;
      const adminPassword = `pw-${randomBytes(6).toString('hex')}`;

      before(async function () {
        if (name === 'mysql') await needServices(this);
        ctx.backend = await openBackend(name);
        ctx.logDir = tempDir('logs');
        watchLogDir(ctx.logDir);
        watchSecret(adminPassword);
        const env = { ...ctx.backend.env, LOG_DIR: ctx.logDir };
        ctx.manage = await startService('http_manage_system.ts', { ...env, ...opts.manageEnv, ADMIN_PASSWORD: adminPassword });
        ctx.call = client(ctx.manage.url);
        ctx.startGateway = async (extra = {}) => {
          const svc = await startService('ws_guidance.ts', { ...env, ...opts.env, ...extra });
          ctx.gateways.push(svc);
          return svc;
        };
        ctx.adminToken = await login(ctx.call, 'admin', adminPassword);
        ctx.newAccount = async (role) => {
          const username = `${role.slice(0, 3)}${randomBytes(4).toString('hex')}`;
          const password = `pw-${randomBytes(6).toString('hex')}`;
          const res = await ctx.call('POST', '/v1/accounts', { token: ctx.adminToken, body: { username, password, role } });
          if (res.status !== 201) throw new Error(`create ${username} failed: ${res.status} ${res.text}`);
          return { id: res.body.data.id as number, username, token: await login(ctx.call, username, password) };
        };
        const operator = await ctx.newAccount('operator');
        const viewer = await ctx.newAccount('viewer');
        Object.assign(ctx, { operatorToken: operator.token, operatorName: operator.username });
        Object.assign(ctx, { viewerToken: viewer.token, viewerName: viewer.username });
        for (let i = 0; i < (opts.gateways ?? 1); i++) await ctx.startGateway();
        ctx.connect = ({ gateway = 0, token = ctx.viewerToken, ...rest } = {}) => {
          const svc = typeof gateway === 'number' ? ctx.gateways[gateway]! : gateway;
          return GuideClient.connect(guideUrl(svc), { token, ...rest });
        };
      });

      after(async function () {
        this.timeout(30_000);
        await Promise.all(ctx.gateways.map((g) => g.stop()));
        await ctx.manage?.stop();
        await ctx.backend?.teardown();
      });

      body(ctx);
    });
  }
}

async function login(call: Call, username: string, password: string): Promise<string> {
  const res = await call('POST', '/v1/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
  watchSecret(password);
  watchSecret(res.body.data.token);
  return res.body.data.token as string;
}

/** A room name no other test uses. */
export function uniqueRoom(prefix = 'room'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
