import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../common/libs/db_registry.js';
import { hashToken, newToken } from '../common/partner/token.js';
import { describeGuidance, guideUrl } from './helper/guidance_suite.js';
import type { Call, Reply } from './helper/http_client.js';
import { describeManage } from './helper/manage_suite.js';
import { watchSecret } from './helper/secret_watch.js';
import { GuideClient } from './helper/ws_client.js';

// Each transition is raced against a refresh of the same account, many rounds, with the
// second request fired at staggered offsets. Every round counts the tokens that are live
// although no serial order of the two requests would leave them live; that count must be 0.
const PARALLEL_REFRESHES = 10;
const ROUNDS = 30;
const DISABLE_ROUNDS = 40;
const STAGGER_MS = 16;
/** Rounds of the transitions that cost a password hash each (scrypt is slow on purpose). */
const STORM_ROUNDS = 12;
/** Sessions of one account refreshing during its role changes. */
const ROLE_CHAINS = 4;
/** Parallel refreshes a step while an account is deleted. */
const DELETE_STORM_WIDTH = 4;

interface SessionRow {
  token_hash: string;
  role: string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const later = <T>(ms: number, fn: () => Promise<T>) => sleep(ms).then(fn);
const tokenOf = (res: Reply) => (res.status === 200 ? (res.body.data.token as string) : undefined);
const asTime = (d: Date | string) =>
  (d instanceof Date ? d : new Date(`${d.replace(' ', 'T').replace(' +00:00', 'Z')}`)).getTime();

/** Reads the session table straight from the suite's database: the source of truth. */
class SessionTable {
  constructor(private readonly db: Sequelize) {}

  static open(dbUrl: string): SessionTable {
    return new SessionTable(createSequelize(dbUrl));
  }

  row(token: string): Promise<SessionRow | null> {
    return this.db
      .query<SessionRow>('SELECT token_hash, role, expires_at, revoked_at FROM sys_session WHERE token_hash = ?', {
        replacements: [hashToken(token)],
        type: QueryTypes.SELECT,
      })
      .then((rows) => rows[0] ?? null);
  }

  /** Rows of `accountId` that are not revoked and not expired. */
  liveRows(accountId: number): Promise<SessionRow[]> {
    return this.db.query<SessionRow>(
      'SELECT token_hash, role, expires_at, revoked_at FROM sys_session WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?',
      { replacements: [accountId, new Date()], type: QueryTypes.SELECT },
    );
  }

  async accountRole(accountId: number): Promise<string | undefined> {
    const rows = await this.db.query<{ role: string }>('SELECT role FROM sys_account WHERE id = ?', {
      replacements: [accountId],
      type: QueryTypes.SELECT,
    });
    return rows[0]?.role;
  }

  /** Inserts a session row for `accountId` as the database would hold it. */
  async insert(token: string, accountId: number, expiresAt: Date, revokedAt: Date | null): Promise<void> {
    const now = new Date();
    await this.db.getQueryInterface().bulkInsert('sys_session', [
      {
        token_hash: hashToken(token),
        account_id: accountId,
        username: 'crafted',
        role: 'viewer',
        ip: '',
        user_agent: '',
        expires_at: expiresAt,
        revoked_at: revokedAt,
        created_at: now,
        updated_at: now,
      },
    ]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

interface Racer {
  call: Call;
  adminToken: () => string;
  table: () => SessionTable;
}

function racer(r: Racer) {
  const unique = () => `race${randomBytes(4).toString('hex')}`;
  const helpers = {
    async login(username: string, password: string): Promise<string> {
      const res = await r.call('POST', '/v1/auth/login', { body: { username, password } });
      assert.equal(res.status, 200, `login ${username}: ${res.text}`);
      watchSecret(res.body.data.token);
      return res.body.data.token as string;
    },
    async account(role = 'operator'): Promise<{ id: number; username: string; password: string }> {
      const username = unique();
      const password = `pw-${randomBytes(6).toString('hex')}`;
      watchSecret(password);
      const res = await r.call('POST', '/v1/accounts', { token: r.adminToken(), body: { username, password, role } });
      assert.equal(res.status, 201, res.text);
      return { id: res.body.data.id as number, username, password };
    },
    refresh: (token: string) => r.call('POST', '/v1/auth/refresh', { token }),
    patch: (id: number, body: Record<string, string>) =>
      r.call('PATCH', `/v1/accounts/${id}`, { token: r.adminToken(), body }).then((res) => {
        assert.equal(res.status, 200, res.text);
        return res;
      }),
    /**
     * Refreshes `token`, then a new token, back to back until `transition` answers, `width`
     * requests a step: refreshes are in flight whenever the transition commits. Returns every
     * token minted, in order.
     */
    async refreshStorm(token: string, transition: Promise<unknown>, width = 1): Promise<string[]> {
      let settled = false;
      void transition.finally(() => {
        settled = true;
      });
      const minted: string[] = [];
      for (let current = token; !settled; ) {
        const answers = await Promise.all(Array.from({ length: width }, () => helpers.refresh(current)));
        const step = answers.map(tokenOf).filter((t): t is string => !!t);
        if (!step.length) break;
        minted.push(...step);
        current = step[0] as string;
      }
      return minted;
    },
    /** Whether the API still accepts `token`. */
    async accepted(token: string): Promise<boolean> {
      const res = await r.call('GET', '/v1/auth/me', { token });
      assert.ok(res.status === 200 || res.status === 401, `me answered ${res.status}`);
      return res.status === 200;
    },
    /** Live tokens among `tokens`, by the API and by the database. */
    async liveCount(tokens: (string | undefined)[]): Promise<{ api: number; db: number }> {
      let api = 0;
      let db = 0;
      for (const token of tokens) {
        if (!token) continue;
        if (await helpers.accepted(token)) api++;
        const row = await r.table().row(token);
        if (row && row.revoked_at === null && asTime(row.expires_at) > Date.now()) db++;
      }
      return { api, db };
    },
  };
  return helpers;
}

describeGuidance(
  'session transitions under concurrency',
  (ctx) => {
    let table: SessionTable;
    const h = racer({ call: (...a) => ctx.call(...a), adminToken: () => ctx.adminToken, table: () => table });

    before(() => {
      table = SessionTable.open(ctx.backend.env.DB_URL as string);
    });
    after(() => table?.close());

    it('spends a token once: of 10 parallel refreshes exactly one succeeds and one token is live, every round', async function () {
      this.timeout(60_000);
      const acc = await h.account();
      let token = await h.login(acc.username, acc.password);
      const extra: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const answers = await Promise.all(Array.from({ length: PARALLEL_REFRESHES }, () => h.refresh(token)));
        const minted = answers.map(tokenOf).filter((t): t is string => !!t);
        const live = await h.liveCount([token, ...minted]);
        extra.push(Math.max(0, minted.length - 1) + Math.abs(live.api - 1) + Math.abs(live.db - 1));
        const next = (await Promise.all(minted.map(async (t) => ((await h.accepted(t)) ? t : '')))).find(Boolean);
        assert.ok(next, `round ${round}: no refreshed token is live (${minted.length} refreshes succeeded)`);
        token = next;
      }
      assert.deepEqual(
        extra.filter((n) => n > 0),
        [],
        `extra successes + live tokens per round: ${extra.join(',')}`,
      );
    });

    it('never leaves a live token (nor a WS join) on an account disabled while it refreshes', async function () {
      this.timeout(90_000);
      const acc = await h.account();
      const gw = guideUrl(ctx.gateways[0]!);
      const bad: string[] = [];
      for (let round = 0; round < DISABLE_ROUNDS; round++) {
        await h.patch(acc.id, { status: 'active' });
        const token = await h.login(acc.username, acc.password);
        const [, refreshed] = await Promise.all([
          h.patch(acc.id, { status: 'disabled' }),
          later(round % STAGGER_MS, () => h.refresh(token)),
        ]);
        const minted = tokenOf(refreshed);
        const live = await h.liveCount([token, minted]);
        const dbLive = (await table.liveRows(acc.id)).length;
        let joined = 0;
        if (minted) {
          const ws = await GuideClient.connect(gw, { token: minted });
          const reply = await ws.request('join', { room: `race-${round}` }).catch(() => null);
          if (reply?.code === 0) joined++;
          ws.close();
        }
        if (live.api + live.db + dbLive + joined) bad.push(`round ${round}: api ${live.api} db ${live.db + dbLive} ws ${joined}`);
      }
      assert.deepEqual(bad, [], `live tokens on a disabled account in ${bad.length} of ${DISABLE_ROUNDS} rounds`);
    });

    it('lets exactly one of logout and refresh spend a token, every round', async function () {
      this.timeout(60_000);
      const acc = await h.account();
      let token = await h.login(acc.username, acc.password);
      const bad: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const first = round % 2 === 0;
        const [out, refreshed] = await Promise.all([
          later(first ? 0 : round % STAGGER_MS, () => ctx.call('POST', '/v1/auth/logout', { token })),
          later(first ? round % STAGGER_MS : 0, () => h.refresh(token)),
        ]);
        const minted = tokenOf(refreshed);
        const wins = Number(out.status === 200) + Number(!!minted);
        const live = await h.liveCount([token, minted]);
        const expected = minted ? 1 : 0;
        if (wins !== 1 || live.api !== expected || live.db !== expected) {
          bad.push(`round ${round}: logout ${out.status} refresh ${refreshed.status} live api ${live.api} db ${live.db}`);
        }
        token = minted && live.api ? minted : await h.login(acc.username, acc.password);
      }
      assert.deepEqual(bad, [], `${bad.length} of ${ROUNDS} rounds`);
    });

    it('revokes every session of an account whose password an admin changes during a refresh storm', async function () {
      this.timeout(60_000);
      const acc = await h.account();
      const bad: string[] = [];
      for (let round = 0; round < STORM_ROUNDS; round++) {
        const token = await h.login(acc.username, acc.password);
        acc.password = `pw-${randomBytes(6).toString('hex')}`;
        watchSecret(acc.password);
        const change = h.patch(acc.id, { password: acc.password });
        const [minted] = await Promise.all([h.refreshStorm(token, change), change]);
        const live = await h.liveCount([token, ...minted]);
        const dbLive = (await table.liveRows(acc.id)).length;
        if (live.api + live.db + dbLive) bad.push(`round ${round}: api ${live.api} db ${dbLive} of ${minted.length} refreshes`);
      }
      assert.deepEqual(bad, [], `live tokens after a password change in ${bad.length} of ${STORM_ROUNDS} rounds`);
    });

    it('gives every live session the new role when the role changes during a refresh storm', async function () {
      this.timeout(60_000);
      const acc = await h.account('operator');
      let chains: string[] = [];
      for (let i = 0; i < ROLE_CHAINS; i++) chains.push(await h.login(acc.username, acc.password));
      const bad: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const role = round % 2 === 0 ? 'viewer' : 'operator';
        const change = later(round % STAGGER_MS, () => h.patch(acc.id, { role }));
        const [minted] = await Promise.all([Promise.all(chains.map((t) => h.refreshStorm(t, change))), change]);
        // In any serial order a chain's rows read old role..., new role...: a row minted after
        // the change (or live at it) never carries the old role.
        let backslid = 0;
        for (const [i, chain] of minted.entries()) {
          const roles = await Promise.all([chains[i] as string, ...chain].map(async (t) => (await table.row(t))?.role));
          const firstNew = roles.indexOf(role);
          backslid += firstNew < 0 ? 1 : roles.slice(firstNew).filter((r) => r !== role).length;
        }
        chains = minted.map((chain, i) => chain.at(-1) ?? (chains[i] as string));
        const rows = await table.liveRows(acc.id);
        const stale = rows.filter((r) => r.role !== role).length;
        const live = await h.liveCount(chains);
        // What the API enforces: an operator-only route answers 403 to a viewer, 422 (empty body) to an operator.
        const enforced = await Promise.all(
          chains.map((token) => ctx.call('POST', '/v1/guidance/rooms/race/messages', { token, body: {} })),
        );
        const wrongRole = enforced.filter((res) => res.status !== (role === 'viewer' ? 403 : 422)).length;
        if (rows.length !== ROLE_CHAINS || stale || backslid || wrongRole || live.api !== ROLE_CHAINS) {
          bad.push(
            `round ${round}: ${rows.length} live rows, ${stale} stale, ${backslid} minted with the old role, ${wrongRole} served with the old role`,
          );
        }
      }
      assert.deepEqual(bad, [], `${bad.length} of ${ROUNDS} rounds`);
    });

    it('leaves no live token on an account deleted during a refresh storm', async function () {
      this.timeout(60_000);
      const bad: string[] = [];
      for (let round = 0; round < STORM_ROUNDS; round++) {
        const acc = await h.account();
        const token = await h.login(acc.username, acc.password);
        const remove = later(round % STAGGER_MS, () => ctx.call('DELETE', `/v1/accounts/${acc.id}`, { token: ctx.adminToken }));
        const [minted, gone] = await Promise.all([h.refreshStorm(token, remove, DELETE_STORM_WIDTH), remove]);
        assert.equal(gone.status, 200, gone.text);
        const live = await h.liveCount([token, ...minted]);
        const dbLive = (await table.liveRows(acc.id)).length;
        if (live.api + live.db + dbLive) bad.push(`round ${round}: api ${live.api} db ${dbLive} of ${minted.length} refreshes`);
      }
      assert.deepEqual(bad, [], `live tokens on a deleted account in ${bad.length} of ${STORM_ROUNDS} rounds`);
    });
  },
  { gateways: 1 },
);

const TTL = 5;
const EXPIRY_TOKENS = 6;

describeManage(
  'session expiry under concurrency',
  (ctx) => {
    let table: SessionTable;
    const h = racer({ call: (...a) => ctx.call(...a), adminToken: () => ctx.adminToken, table: () => table });
    before(() => {
      table = SessionTable.open(ctx.backend.env.DB_URL as string);
    });
    after(() => table?.close());

    it('answers the expiry the database keeps, and refreshes only a token that has not expired', async function () {
      this.timeout(60_000);
      const acc = await h.account();
      const tokens: { token: string; expiresAt: number }[] = [];
      for (let i = 0; i < EXPIRY_TOKENS; i++) {
        const res = await ctx.call('POST', '/v1/auth/login', { body: { username: acc.username, password: acc.password } });
        assert.equal(res.status, 200);
        watchSecret(res.body.data.token);
        tokens.push({ token: res.body.data.token, expiresAt: Date.parse(res.body.data.expires_at) });
      }
      for (const { token, expiresAt } of tokens) {
        const row = await table.row(token);
        assert.equal(row && asTime(row.expires_at), expiresAt, 'the answered expiry is the stored one');
      }
      // Around each token's expiry: refreshes from 40 ms before to 40 ms after, in parallel.
      const offsets = [-40, -25, -10, -3, 0, 3, 10, 25, 40];
      const rounds = await Promise.all(
        tokens.map(({ token, expiresAt }) =>
          Promise.all(
            offsets.map((o) =>
              later(Math.max(0, expiresAt + o - Date.now()), () => ctx.call('POST', '/v1/auth/refresh', { token })),
            ),
          ),
        ),
      );
      const bad: string[] = [];
      for (const [i, answers] of rounds.entries()) {
        const { token, expiresAt } = tokens[i]!;
        const minted = answers.map(tokenOf).filter((t): t is string => !!t);
        const live = await h.liveCount([token, ...minted]);
        const old = await table.row(token);
        const spentLate = old?.revoked_at != null && asTime(old.revoked_at) >= expiresAt + 1000;
        if (minted.length > 1 || live.api !== minted.length || live.db !== minted.length || spentLate) {
          bad.push(`token ${i}: ${minted.length} refreshes, live api ${live.api} db ${live.db}, spent late ${spentLate}`);
        }
      }
      assert.deepEqual(bad, [], bad.join('; '));
    });

    it('purges (expire_sessions) only sessions that resolve has refused for a day, and keeps every live one', async function () {
      this.timeout(60_000);
      // The suite's admin token has expired (5 s sessions): a new one to read the account id.
      const me = await ctx.call('GET', '/v1/auth/me', { token: await ctx.login('admin', ctx.adminPassword) });
      assert.equal(me.status, 200, me.text);
      const accountId = me.body.data.account.id as number;
      const now = Date.now();
      const day = 86_400_000;
      // [expires_at, revoked_at] relative to now, in ms
      const shapes: [number, number | null][] = [
        [3_600_000, null],
        [-10_000, null],
        [-day - 10_000, null],
        [-day + 60_000, null],
        [3_600_000, -10_000],
        [3_600_000, -day - 10_000],
        [-day - 10_000, -day - 20_000],
      ];
      const crafted = shapes.map(([exp, rev]) => ({ token: newToken(), exp, rev }));
      for (const c of crafted) {
        await table.insert(c.token, accountId, new Date(now + c.exp), c.rev === null ? null : new Date(now + c.rev));
      }
      const accepted = await Promise.all(crafted.map((c) => h.accepted(c.token)));
      const run = spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/script.ts', 'manage_system', 'expire_sessions'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...ctx.backend.env, LOG_DIR: ctx.logDir },
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const kept = await Promise.all(crafted.map(async (c) => (await table.row(c.token)) !== null));
      const rows = crafted.map((c, i) => ({ exp: c.exp, rev: c.rev, accepted: accepted[i], kept: kept[i] }));
      // The one definition: live while not revoked and expires_at ahead; purged once dead for a day.
      const expected = crafted.map((c) => ({
        exp: c.exp,
        rev: c.rev,
        accepted: c.rev === null && c.exp > 0,
        kept: !(c.exp <= -day || (c.rev !== null && c.rev <= -day)),
      }));
      assert.deepEqual(rows, expected);
    });
  },
  { SESSION_TTL_SECONDS: String(TTL) },
);
