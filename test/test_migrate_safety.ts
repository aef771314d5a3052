import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { columnsOf, modelSource, SCRATCH } from './helper/migrate_sandbox.js';
import { describeMigrate } from './helper/migrate_suite.js';

const T = ['-t', SCRATCH];
const ID = 'id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }';
const TITLE = "title: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }";
const SCORE = 'score: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 }';
const NOTE = modelSource('scr_note', `${ID}, text: { type: DataTypes.STRING(200), allowNull: false }`);
const item = (cols: string[]) => ({ item: modelSource('scr_item', [ID, ...cols].join(', ')) });

/** Replaces the body of `up` and `down` in the newest migration (what a person does with `--empty`). */
function fillNewest(box: { migrationsDir: string; migrations(): string[] }, up: string, down: string): string {
  const file = path.join(box.migrationsDir, box.migrations().at(-1)!);
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
    fillNewest(ctx.box, "  await m.step('hold the lock a while', () => new Promise((r) => setTimeout(r, 2000)));", '');
    ctx.box.setModels({ ...item([TITLE, SCORE]), note: NOTE });
    await ctx.box.ok(['migrate', '--name', 'score and note', ...T]);
    names = ctx.box.migrations().map((f) => f.replace(/\.ts$/, ''));

    const runs = await Promise.all([1, 2, 3].map(() => ctx.box.db(['upgrade', ...T])));
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
});
