import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { type BalancedShot, Balancer } from './helper/balancer.js';
import { client } from './helper/http_client.js';
import { freePort } from './helper/ports.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

const ROUNDS = 12;
const CLIENTS = 16;
const PASSWORD = 'drain-keepalive-pw';

async function waitUntil(test: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`no ${what} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function describeShots(shots: BalancedShot[]): string {
  return shots
    .slice(0, 5)
    .map((s) => `${s.method} ${s.path} on :${s.port}: ${s.status ?? s.error}`)
    .join('; ');
}

for (const name of BACKEND_NAMES) {
  describe(`graceful stop behind a load balancer, ${CLIENTS} kept-alive clients [${name}]`, function () {
    // ~40 s on an idle 2-core machine; a start under heavy load can take 30 s, twelve times
    this.timeout(900_000);
    let backend: Backend;
    const dirs: string[] = [];
    const instances: ServiceProcess[] = [];

    before(async function () {
      if (name === 'mysql') await needServices(this);
      backend = await openBackend(name);
    });
    after(async () => {
      await Promise.all(instances.map((svc) => svc.stop()));
      await backend?.teardown();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`loses and duplicates no request over ${ROUNDS} SIGTERM restarts alternating two instances`, async () => {
      const ports = [await freePort(), await freePort()];
      const start = (i: number) => {
        const dir = tempDir('drain');
        dirs.push(dir);
        return startService(
          'http_manage_system.ts',
          {
            ...backend.env,
            RUN_PORT: String(ports[i]),
            SERVER_ID: `drain-${i}`,
            LOG_DIR: `${dir}/logs`,
            ADMIN_PASSWORD: PASSWORD,
          },
          60_000,
        );
      };
      // one at a time: the first creates the schema and the admin
      instances.push(await start(0));
      instances.push(await start(1));
      const login = await client(instances[0]!.url)('POST', '/v1/auth/login', {
        body: { username: 'admin', password: PASSWORD },
      });
      assert.equal(login.status, 200, login.text);
      const auth = { authorization: `Bearer ${login.body.data.token}` };
      const prefix = `dr${randomBytes(3).toString('hex')}`;
      const balancer = new Balancer(ports, CLIENTS, [
        { path: '/health' },
        { path: '/v1/accounts?page=1&page_size=5', headers: auth },
        { path: '/v1/auth/me', headers: auth },
        { path: '/health' },
        { path: '/v1/accounts?page=1&page_size=5&role=viewer', headers: auth },
        { path: '/v1/auth/me', headers: auth },
        // one POST in eight: each hashes a password (scrypt), the CPU must stay for the restarts
        {
          path: '/v1/accounts',
          headers: auth,
          body: () => ({ username: `${prefix}${randomBytes(6).toString('hex')}`, password: PASSWORD, role: 'viewer' }),
        },
      ]);

      const closingPerRound: number[] = [];
      try {
        try {
          for (let round = 0; round < ROUNDS; round++) {
            const victim = round % 2;
            const port = ports[victim]!;
            // the signal lands in full traffic: the victim has just answered a fresh batch
            const served = balancer.served(port);
            await waitUntil(() => balancer.served(port) >= served + CLIENTS, `traffic on :${port} in round ${round}`);
            const closingBefore = balancer.shots.filter((s) => s.port === port && s.closing).length;
            const code = await instances[victim]!.stop('SIGTERM');
            assert.equal(code, 0, instances[victim]!.output());
            closingPerRound.push(balancer.shots.filter((s) => s.port === port && s.closing).length - closingBefore);
            instances[victim] = await start(victim);
          }
        } finally {
          await balancer.stop();
        }

        const shots = balancer.shots;
        const failed = shots.filter((s) => !s.status || s.status >= 300);
        assert.equal(failed.length, 0, `${failed.length} of ${shots.length} requests failed: ${describeShots(failed)}`);
        // each round's victim had clients that it told to leave (Connection: close) while it drained
        assert.ok(
          closingPerRound.every((n) => n > 0),
          `answers with Connection: close per round: ${closingPerRound}`,
        );
        const created = shots
          .filter((s) => s.method === 'POST')
          .map((s) => (s.body as { data: { username: string } }).data.username);
        assert.ok(created.length > 0);
        const rows = await client(instances[0]!.url)('GET', `/v1/accounts?username=${prefix}&page_size=1`, { headers: auth });
        assert.equal(rows.status, 200, rows.text);
        // every 201 is a row, and no row came from a request that got no answer or was sent twice
        assert.equal(rows.body.data.total, created.length);
      } finally {
        await Promise.all(instances.map((svc) => svc.stop()));
      }
    });
  });
}
