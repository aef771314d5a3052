import type { Sequelize } from 'sequelize';
import { BACKEND_NAMES, type Backend, openBackend, REQUIRE_SERVICES, servicesMissing } from './backends.js';
import { inspect, Sandbox } from './migrate_sandbox.js';

export interface MigrateCtx {
  backend: Backend;
  box: Sandbox;
  /** A connection of the test's own to the sandbox's database. */
  db: Sequelize;
}

/**
 * Runs `body` once per back end (SQLite file; fresh database on the machine's MariaDB)
 * with a fresh sandbox project whose migration CLI points at it. REQUIRE_SERVICES=1
 * turns a missing MariaDB into a failure instead of a skip.
 */
export function describeMigrate(title: string, body: (ctx: MigrateCtx) => void): void {
  for (const name of BACKEND_NAMES) {
    describe(`${title} [${name}]`, function () {
      this.timeout(90_000);
      const ctx = {} as MigrateCtx;

      before(async function () {
        if (name === 'mysql') {
          const missing = await servicesMissing();
          if (missing && REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but ${missing}`);
          if (missing) this.skip();
        }
        ctx.backend = await openBackend(name);
        ctx.box = new Sandbox(ctx.backend.env.DB_URL!);
        ctx.db = inspect(ctx.backend.env.DB_URL!);
      });

      after(async () => {
        await ctx.db?.close();
        await ctx.backend?.teardown();
        ctx.box?.remove();
      });

      body(ctx);
    });
  }
}
