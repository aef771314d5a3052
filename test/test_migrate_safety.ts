import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { columnsOf, modelSource, SCRATCH, schemaText } from './helper/migrate_sandbox.js';
import { describeMigrate, type MigrateCtx } from './helper/migrate_suite.js';
import { until } from './helper/wait.js';

const T = ['-t', SCRATCH];
const ID = 'id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }';
const TITLE = "title: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }";
const SCORE = 'score: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 }';
const NOTE = modelSource('scr_note', `${ID}, text: { type: DataTypes.STRING(200), allowNull: false }`);
const item = (cols: string[]) => ({ item: modelSource('scr_item', [ID, ...cols].join(', ')) });
const WIDE_TITLE = "title: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' }";

/** What `--sql` must leave as it was: the schema, the record table's rows and, on SQLite, the file itself. */
async function stateOf(ctx: MigrateCtx): Promise<{ schema: string; records: unknown[]; bytes?: string }> {
  const records = await ctx.db.query(`SELECT * FROM ${SCRATCH}_migrations ORDER BY name`, { type: QueryTypes.SELECT });
  const file = ctx.backend.name === 'sqlite' ? ctx.backend.env.DB_URL!.replace(/^sqlite:/, '') : undefined;
  const bytes = file ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : undefined;
  return { schema: await schemaText(ctx.db), records, bytes };
}

/** The statements of `--sql` output: every line that is not a `--` comment, split at the `;` ending a line. */
function statementsOf(out: string): string[] {
  const sql = out
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  return sql
    .split(/;\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Replaces the body of `up` and `down` in the newest migration (what a person does with `--empty`). */
function fillNewest(box: { migrationsDir: string; migrations(): string[] }, up: string, down: string): string {
  return fillMigration(box, -1, up, down);
}

/** `fillNewest` for the migration at `index` (`Array.at`) of the sandbox's list. */
function fillMigration(box: { migrationsDir: string; migrations(): string[] }, index: number, up: string, down: string): string {
  const file = path.join(box.migrationsDir, box.migrations().at(index)!);
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(
      /export async function up\(_m[\s\S]*?\n}\n/,
      `export async function up(m: MigrationContext): Promise<void> {\n${up}\n}\n`,
    )
    .replace(
      /export async function down\(_m[\s\S]*?\n}\n/,
      `export async function down(m: MigrationContext): Promise<void> {\n${down}\n}\n`,
    );
  fs.writeFileSync(file, text);
  return file;
}

describeMigrate('migration CLI: locks, failures, fakes', (ctx) => {
  let names: string[] = [];

  it('applies each migration once when three upgrade processes start together', async () => {
    ctx.box.setModels(item([TITLE]));
    await ctx.box.ok(['init', ...T]);
    await ctx.box.ok(['migrate', '--name', 'init', ...T]);
    await ctx.box.ok(['migrate', '--empty', '--name', 'slow', ...T]);
    ctx.box.setModels({ ...item([TITLE, SCORE]), note: NOTE });
    await ctx.box.ok(['migrate', '--name', 'score and note', ...T]);
    names = ctx.box.migrations().map((f) => f.replace(/\.ts$/, ''));
    // The process that takes the lock holds it until this test saw another one wait for it,
    // however late that one starts (a fixed hold could end first): 'slow' finishes loading,
    // which the holder does under the lock and outside any transaction, only once released.
    const release = path.join(ctx.box.root, 'release-the-lock');
    const slow = fillMigration(ctx.box, 1, "  await m.step('a step', async () => {});", '');
    fs.appendFileSync(
      slow,
      `\nconst { existsSync } = await import('node:fs');\nwhile (!existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 50));\n`,
    );

    let printed = '';
    const started = Promise.all([1, 2, 3].map(() => ctx.box.db(['upgrade', ...T], {}, (chunk) => (printed += chunk))));
    // released either way, so a lock that makes nobody wait fails the assertion below rather than hanging
    await until(async () => /waiting for another process's migration lock/.test(printed), 60_000, 50);
    fs.writeFileSync(release, '');
    const runs = await started;
    for (const run of runs) assert.equal(run.code, 0, run.err);
    const applied = runs.flatMap((r) => [...r.out.matchAll(/applied (\S+)/g)].map((m) => m[1])).sort();
    assert.deepEqual(applied, names);
    assert.ok(
      runs.some((r) => /waiting for another process's migration lock/.test(r.out)),
      'a second process waited for the lock',
    );
    const records = await ctx.db.query(`SELECT name, state FROM ${SCRATCH}_migrations ORDER BY name`, {
      type: QueryTypes.SELECT,
    });
    assert.deepEqual(
      records,
      names.map((name) => ({ name, state: 'applied' })),
    );
  });

  it('records which step failed; MySQL keeps the steps before it and --resume continues after them', async () => {
    await ctx.box.ok(['migrate', '--empty', '--name', 'backfill', ...T]);
    const file = fillNewest(
      ctx.box,
      "  await m.addColumn('scr_item', 'extra', { type: 'INTEGER', allowNull: true });\n  await m.query('SELECT missing FROM scr_nowhere');",
      "  await m.removeColumn('scr_item', 'extra');",
    );
    const failed = await ctx.box.db(['upgrade', ...T]);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /_backfill up failed at step 2: query SELECT missing FROM scr_nowhere \(of 2\)/);
    const history = await ctx.box.ok(['history', ...T]);
    const mysql = ctx.backend.name === 'mysql';
    if (mysql) {
      assert.match(failed.err, /steps 1-1 stayed applied \(MySQL DDL is not transactional\)/);
      assert.match(history, /FAILED_UP 1\/2 steps +\S+_backfill/);
      assert.ok('extra' in (await columnsOf(ctx.db, 'scr_item')), 'step 1 stayed');
      const blocked = await ctx.box.db(['upgrade', ...T]);
      assert.equal(blocked.code, 3);
      assert.match(blocked.err, /broke off at step 2: query .* steps 1-1 are applied/);
    } else {
      assert.match(failed.err, /rolled back, nothing of it stayed/);
      assert.match(history, /pending \(last upgrade failed\) +\S+_backfill/);
      assert.ok(!('extra' in (await columnsOf(ctx.db, 'scr_item'))), 'step 1 was rolled back');
    }
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('SELECT missing FROM scr_nowhere', 'SELECT 1'));
    const resumed = await ctx.box.ok(['upgrade', ...(mysql ? ['--resume'] : []), ...T]);
    assert.match(resumed, /applied \S+_backfill/);
    assert.ok('extra' in (await columnsOf(ctx.db, 'scr_item')));
    assert.match(await ctx.box.ok(['history', ...T]), /applied [\d: -]+ +\S+_backfill/);
  });

  it('--fake unrecords and records without running anything', async () => {
    await ctx.box.ok(['downgrade', '--fake', ...T]);
    assert.ok('extra' in (await columnsOf(ctx.db, 'scr_item')), 'the column is still there');
    assert.match(await ctx.box.ok(['heads', ...T]), /_backfill\n$/);
    await ctx.box.ok(['upgrade', '--fake', ...T]);
    assert.match(await ctx.box.ok(['heads', ...T]), /no heads/);
  });

  it('--dry-run prints the steps with their DATA LOSS marks and changes nothing', async () => {
    ctx.box.setModels({ ...item([TITLE]), note: NOTE });
    await ctx.box.ok(['migrate', '--name', 'drop score', ...T]);
    const dry = await ctx.box.ok(['upgrade', '--dry-run', ...T]);
    assert.match(dry, /1\. drop column scr_item\.score {2}\[DATA LOSS: drops column scr_item\.score and its values\]/);
    assert.ok('score' in (await columnsOf(ctx.db, 'scr_item')));
    assert.match(await ctx.box.ok(['heads', ...T]), /_drop_score\n$/);
  });

  let printed = '';
  let before: Awaited<ReturnType<typeof stateOf>>;

  it('--sql prints each pending step with the statements it would send, and changes nothing', async () => {
    // The pending drop_score gives way to one migration with a change and a drop.
    fs.rmSync(path.join(ctx.box.migrationsDir, ctx.box.migrations().at(-1)!));
    ctx.box.setModels({ ...item([WIDE_TITLE]), note: NOTE });
    await ctx.box.ok(['migrate', '--name', 'widen and drop', ...T]);
    const name = ctx.box.migrations().at(-1)!.replace(/\.ts$/, '');
    before = await stateOf(ctx);
    printed = await ctx.box.ok(['upgrade', '--sql', ...T]);
    const lines = printed.trimEnd().split('\n');
    assert.equal(lines[0], `-- ${SCRATCH}: ${name} up`);
    assert.ok(
      lines.some((l) => /^-- step \d: drop column scr_item\.score {2}\[DATA LOSS: /.test(l)),
      printed,
    );
    assert.ok(
      lines.some((l) => /^-- step \d: change column scr_item\.title/.test(l)),
      printed,
    );
    for (const line of lines.filter((l) => !l.startsWith('--')))
      assert.match(line, /;$/, 'each statement is one line ending with ;');
    assert.ok(
      statementsOf(printed).some((sql) => /DROP/i.test(sql) && /score/.test(sql)),
      printed,
    );
    assert.doesNotMatch(printed, /_migrations|GET_LOCK|_lock/, 'no bookkeeping query');
    if (ctx.backend.name === 'sqlite') {
      assert.match(printed, /^CREATE TABLE "scr_item__rebuild" .*"title" VARCHAR\(64\)/m, 'the table rebuild is the DDL');
    }
    assert.deepEqual(await stateOf(ctx), before);
    assert.equal(await ctx.box.ok(['upgrade', '--dry-run', '--sql', ...T]), printed, '--dry-run --sql is --sql');
  });

  it("refuses data loss with the user's own command plus --allow-data-loss, which then runs", async () => {
    const refused = await ctx.box.db(['upgrade', '--steps', '1', '--lock-timeout', '30', ...T]);
    assert.equal(refused.code, 3, refused.err);
    const again = `npm run db -- upgrade --steps 1 --lock-timeout 30 -t ${SCRATCH} --allow-data-loss`;
    assert.ok(refused.err.includes(`\`${again}\``), refused.err);
    // Schema and records only: the refusal comes after the lock (on SQLite a row written and removed).
    const { schema, records } = await stateOf(ctx);
    assert.deepEqual({ schema, records }, { schema: before.schema, records: before.records }, 'nothing was run');
    const applied = await ctx.box.ok(again.replace('npm run db -- ', '').split(' '));
    assert.match(applied, /applied \S+_widen_and_drop/);
  });

  it('--sql printed the statements the upgrade ran: run by hand on the old schema they give the same one', async () => {
    const upgraded = await schemaText(ctx.db);
    // Back to the migration's starting point (the dropped column comes back last: same table, other order).
    await ctx.box.ok(['downgrade', '--allow-data-loss', ...T]);
    assert.match(await ctx.box.ok(['heads', ...T]), /_widen_and_drop\n$/);
    for (const sql of statementsOf(printed)) await ctx.db.query(sql);
    assert.equal(await schemaText(ctx.db), upgraded);
    await ctx.box.ok(['upgrade', '--fake', ...T]);
  });

  it("downgrade --sql prints the newest migration's down and changes nothing", async () => {
    const state = await stateOf(ctx);
    const out = await ctx.box.ok(['downgrade', '--sql', ...T]);
    assert.match(out, /^-- scratch_svc: \S+_widen_and_drop down\n/);
    assert.match(out, /^-- step \d: change column scr_item\.title .*\[DATA LOSS: /m, 'narrowing back is marked');
    assert.ok(statementsOf(out).length >= 2, out);
    assert.deepEqual(await stateOf(ctx), state);
  });
});
