import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { modelSource, SCRATCH, schemaText } from './helper/migrate_sandbox.js';
import { describeMigrate } from './helper/migrate_suite.js';

const T = ['-t', SCRATCH];
const ID = 'id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }';
const TITLE = "title: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }";
const HEADING = "heading: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }";
const SCORE = 'score: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 }';
const TAG = modelSource('scr_tag', `${ID}, label: { type: DataTypes.STRING(40), allowNull: false }`);
const item = (cols: string[], indexes = '[]') => modelSource('scr_item', [ID, ...cols].join(', '), indexes);
/** The test-only hook of the step applier: the CLI SIGKILLs itself right after step k took effect. */
const killAfter = (k: number) => ({ GH_MIGRATE_KILL_AFTER_STEP: String(k) });

describeMigrate('migration CLI: a run killed after any step continues with a plain upgrade/downgrade', (ctx) => {
  let base = '';
  let clean = '';
  let second = '';
  let steps = 0;

  const records = () =>
    ctx.db.query(`SELECT name, state, steps_done, steps_total FROM ${SCRATCH}_migrations ORDER BY name`, {
      type: QueryTypes.SELECT,
    }) as Promise<{ name: string; state: string; steps_done: number; steps_total: number }[]>;

  it('a multi-step migration applies and reverts cleanly (the reference schemas)', async function () {
    this.timeout(120_000);
    ctx.box.setModels({ item: item([TITLE]) });
    await ctx.box.ok(['init', ...T]);
    await ctx.box.ok(['migrate', '--name', 'init', ...T]);
    await ctx.box.ok(['upgrade', ...T]);
    base = await schemaText(ctx.db);
    ctx.box.setModels({ item: item([HEADING, SCORE], "[{ fields: ['score'] }]"), tag: TAG });
    await ctx.box.ok(['migrate', '--name', 'grow', '--rename', 'scr_item.title:heading', ...T]);
    second = ctx.box.migrations().at(-1)!.replace(/\.ts$/, '');
    const dry = await ctx.box.ok(['upgrade', '--dry-run', ...T]);
    steps = [...dry.matchAll(/^ {2}\d+\. /gm)].length;
    // create table, rename column, add column, add index: one of each kind a kill can cut.
    assert.equal(steps, 4, dry);
    await ctx.box.ok(['upgrade', ...T]);
    clean = await schemaText(ctx.db);
    assert.notEqual(clean, base);
    await ctx.box.ok(['downgrade', '--allow-data-loss', ...T]);
    assert.equal(await schemaText(ctx.db), base);
  });

  it('killed after each step k of upgrade, then of downgrade: the next plain run finishes it', async function () {
    this.timeout(600_000);
    for (let k = 1; k <= steps; k++) {
      const up = await ctx.box.db(['upgrade', ...T], killAfter(k));
      assert.equal(up.code, null, `upgrade killed after step ${k}: ${up.out}${up.err}`);
      const upAgain = await ctx.box.db(['upgrade', ...T]);
      assert.equal(upAgain.code, 0, `upgrade after a kill at step ${k}: ${upAgain.err}`);
      assert.match(upAgain.out, new RegExp(`applied ${second}`));
      assert.equal(await schemaText(ctx.db), clean, `schema after a kill at upgrade step ${k}`);
      const applied = (await records()).find((r) => r.name === second);
      assert.deepEqual(
        { state: applied?.state, done: applied?.steps_done, total: applied?.steps_total },
        { state: 'applied', done: steps, total: steps },
      );

      const down = await ctx.box.db(['downgrade', '--allow-data-loss', ...T], killAfter(k));
      assert.equal(down.code, null, `downgrade killed after step ${k}: ${down.out}${down.err}`);
      const downAgain = await ctx.box.db(['downgrade', '--allow-data-loss', ...T]);
      assert.equal(downAgain.code, 0, `downgrade after a kill at step ${k}: ${downAgain.err}`);
      assert.match(downAgain.out, new RegExp(`reverted ${second}`));
      assert.equal(await schemaText(ctx.db), base, `schema after a kill at downgrade step ${k}`);
      assert.deepEqual(
        (await records()).map((r) => [r.name, r.state]),
        [[ctx.box.migrations()[0]!.replace(/\.ts$/, ''), 'applied']],
      );
    }
  });

  it('a downgrade cut off blocks an upgrade with the command that finishes it', async function () {
    this.timeout(120_000);
    await ctx.box.ok(['upgrade', ...T]);
    const down = await ctx.box.db(['downgrade', '--allow-data-loss', ...T], killAfter(2));
    assert.equal(down.code, null);
    if (ctx.backend.name === 'mysql') {
      const up = await ctx.box.db(['upgrade', ...T]);
      assert.equal(up.code, 3);
      assert.match(up.err, new RegExp(`npm run db -- downgrade -t ${SCRATCH}\``));
    }
    await ctx.box.ok(['downgrade', '--allow-data-loss', ...T]);
    assert.equal(await schemaText(ctx.db), base);
  });
});
