import assert from 'node:assert/strict';
import fs from 'node:fs';
import { QueryTypes, type Sequelize } from 'sequelize';
import { columnsOf, indexesOf, modelSource, SCRATCH, tableNames } from './helper/migrate_sandbox.js';
import { describeMigrate } from './helper/migrate_suite.js';

const T = ['-t', SCRATCH];
const ID = 'id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }';
const TITLE = "title: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }";
const TITLE_WIDE = "title: { type: DataTypes.STRING(64), allowNull: true, defaultValue: 'untitled', unique: true }";
const BODY = 'body: { type: DataTypes.TEXT, allowNull: true }';
const NICK = 'nick: { type: DataTypes.STRING(64), allowNull: true }';
const NICKNAME = 'nickname: { type: DataTypes.STRING(64), allowNull: true }';
const SCORE = 'score: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 }';
const NOTE = modelSource('scr_note', `${ID}, text: { type: DataTypes.STRING(200), allowNull: false }`);
const item = (cols: string[], indexes = '[]') => ({ item: modelSource('scr_item', [ID, ...cols].join(', '), indexes) });

async function rows(db: Sequelize, cols: string): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT ${cols} FROM scr_item ORDER BY id`, { type: QueryTypes.SELECT });
}

describeMigrate('migration CLI: each kind of model change', (ctx) => {
  const data = [
    { title: 'alpha', body: 'first body', nick: 'a' },
    { title: 'beta', body: 'second body', nick: 'b' },
  ];

  it('init records the config and connection; --verify fails until a migration holds the models', async () => {
    ctx.box.setModels(item([TITLE, BODY, NICK]));
    await ctx.box.ok(['init', ...T]);
    const info = JSON.parse(fs.readFileSync(`${ctx.box.migrationsDir}/migrate.json`, 'utf8'));
    assert.deepEqual(info, {
      service: SCRATCH,
      config: `${SCRATCH}/config/index`,
      export: 'sysConf',
      models: 'MODEL_LIST',
      db: 'default',
      table: `${SCRATCH}_migrations`,
    });
    const check = await ctx.box.db(['migrate', '--verify', ...T]);
    assert.equal(check.code, 1);
    assert.match(check.out, /create table scr_item/);
  });

  it('init-db writes the first migration and applies it; --verify then passes and migrate writes nothing', async () => {
    const out = await ctx.box.ok(['init-db', ...T]);
    assert.match(out, /applied 0001_\d{8}T\d{4}_init/);
    assert.deepEqual(
      ctx.box.migrations().map((f) => f.replace(/_\d{8}T\d{4}_/, '_')),
      ['0001_init.ts'],
    );
    assert.ok((await tableNames(ctx.db)).includes('scr_item'));
    assert.deepEqual(Object.keys(await columnsOf(ctx.db, 'scr_item')).sort(), ['body', 'id', 'nick', 'title']);
    assert.equal((await ctx.box.db(['migrate', '--verify', ...T])).code, 0);
    const again = await ctx.box.ok(['migrate', '--name', 'noop', ...T]);
    assert.match(again, /nothing changed/);
    assert.equal(ctx.box.migrations().length, 1);
    for (const r of data) {
      await ctx.db.query('INSERT INTO scr_item (title, body, nick) VALUES (?, ?, ?)', {
        replacements: [r.title, r.body, r.nick],
      });
    }
  });

  it('adds a column and an index; downgrade (a column drop) needs --allow-data-loss; data survives both', async () => {
    ctx.box.setModels(item([TITLE, BODY, NICK, SCORE], "[{ fields: ['score'] }]"));
    assert.equal((await ctx.box.db(['migrate', '--verify', ...T])).code, 1);
    await ctx.box.ok(['migrate', '--name', 'add score', ...T]);
    const file = ctx.box.newest();
    assert.match(file, /await m\.addColumn\('scr_item', 'score', \{ type: 'INTEGER', allowNull: false, defaultValue: 0 \}\);/);
    assert.match(file, /await m\.addIndex\('scr_item', \{ name: 'scr_item_score', fields: \['score'\] \}\);/);
    assert.match(file, /\/\/ DATA LOSS: drops column scr_item\.score/);
    assert.match(ctx.box.migrations().at(-1)!, /^0002_\d{8}T\d{4}_add_score\.ts$/);
    assert.equal((await ctx.box.db(['migrate', '--verify', ...T])).code, 0);

    await ctx.box.ok(['upgrade', ...T]);
    const cols = await columnsOf(ctx.db, 'scr_item');
    assert.equal(cols.score?.allowNull, false);
    assert.equal(String(cols.score?.defaultValue), '0');
    assert.equal((await indexesOf(ctx.db, 'scr_item')).scr_item_score, false);
    assert.deepEqual(
      await rows(ctx.db, 'title, body, nick, score'),
      data.map((r) => ({ ...r, score: 0 })),
    );

    const refused = await ctx.box.db(['downgrade', ...T]);
    assert.equal(refused.code, 3);
    assert.match(refused.err, /refused: .*drops column scr_item\.score/);
    assert.ok('score' in (await columnsOf(ctx.db, 'scr_item')));
    await ctx.box.ok(['downgrade', '--allow-data-loss', ...T]);
    assert.ok(!('score' in (await columnsOf(ctx.db, 'scr_item'))));
    assert.equal((await indexesOf(ctx.db, 'scr_item')).scr_item_score, undefined);
    assert.deepEqual(await rows(ctx.db, 'title, body, nick'), data);
    await ctx.box.ok(['upgrade', ...T]);
  });

  it('changes a type (widening), null, default and unique; downgrade restores each', async () => {
    ctx.box.setModels(item([TITLE_WIDE, BODY, NICK, SCORE], "[{ fields: ['score'] }]"));
    await ctx.box.ok(['migrate', '--name', 'widen title', ...T]);
    const file = ctx.box.newest();
    assert.match(file, /await m\.changeColumn\('scr_item', 'title', \{/);
    assert.match(file, /from: \{ type: 'STRING\(32\)', allowNull: false, defaultValue: '' \}/);
    assert.match(file, /to: \{ type: 'STRING\(64\)', allowNull: true, defaultValue: 'untitled' \}/);
    assert.match(file, /addIndex\('scr_item', \{ name: 'scr_item_title_unique', fields: \['title'\], unique: true \}\)/);

    await ctx.box.ok(['upgrade', ...T]);
    const wide = (await columnsOf(ctx.db, 'scr_item')).title!;
    assert.equal(wide.type, 'VARCHAR(64)');
    assert.equal(wide.allowNull, true);
    assert.equal(wide.defaultValue, 'untitled');
    assert.deepEqual(await indexesOf(ctx.db, 'scr_item'), { scr_item_score: false, scr_item_title_unique: true });
    assert.deepEqual(await rows(ctx.db, 'title, body, nick'), data);

    assert.equal((await ctx.box.db(['downgrade', ...T])).code, 3, 'narrowing back 64 -> 32 needs the flag');
    await ctx.box.ok(['downgrade', '--allow-data-loss', ...T]);
    const narrow = (await columnsOf(ctx.db, 'scr_item')).title!;
    assert.equal(narrow.type, 'VARCHAR(32)');
    assert.equal(narrow.allowNull, false);
    assert.equal(narrow.defaultValue, '');
    assert.deepEqual(await indexesOf(ctx.db, 'scr_item'), { scr_item_score: false });
    assert.deepEqual(await rows(ctx.db, 'title, body, nick'), data);
    await ctx.box.ok(['upgrade', ...T]);
  });

  it('asks about a rename: without a terminal it stops and names --rename; with it, data moves to the new name', async () => {
    ctx.box.setModels(item([TITLE_WIDE, BODY, NICKNAME, SCORE], "[{ fields: ['score'] }]"));
    const undecided = await ctx.box.db(['migrate', '--name', 'rename nick', ...T]);
    assert.equal(undecided.code, 2);
    assert.match(undecided.err, /--rename scr_item\.nick:nickname/);
    assert.equal(ctx.box.migrations().length, 3);

    await ctx.box.ok(['migrate', '--name', 'rename nick', '--rename', 'scr_item.nick:nickname', ...T]);
    const file = ctx.box.newest();
    assert.match(file, /await m\.renameColumn\('scr_item', 'nick', 'nickname'\);/);
    assert.doesNotMatch(file, /removeColumn|addColumn/);
    await ctx.box.ok(['upgrade', ...T]);
    assert.deepEqual(await rows(ctx.db, 'nickname'), [{ nickname: 'a' }, { nickname: 'b' }]);
    await ctx.box.ok(['downgrade', ...T]);
    assert.deepEqual(await rows(ctx.db, 'nick'), [{ nick: 'a' }, { nick: 'b' }]);
    await ctx.box.ok(['upgrade', ...T]);
  });

  it('--no-input turns an undecided rename into a drop and an add, which upgrade refuses', async () => {
    ctx.box.setModels(
      item([TITLE_WIDE, BODY, 'alias: { type: DataTypes.STRING(64), allowNull: true }', SCORE], "[{ fields: ['score'] }]"),
    );
    await ctx.box.ok(['migrate', '--name', 'alias', '--no-input', ...T]);
    const file = ctx.box.newest();
    assert.match(
      file,
      /\/\/ DATA LOSS: drops column scr_item\.nickname and its values\n {2}await m\.removeColumn\('scr_item', 'nickname'\);/,
    );
    assert.match(file, /addColumn\('scr_item', 'alias'/);
    const refused = await ctx.box.db(['upgrade', ...T]);
    assert.equal(refused.code, 3);
    assert.match(refused.err, /nothing was run/);
    assert.ok('nickname' in (await columnsOf(ctx.db, 'scr_item')));
    assert.ok(!('alias' in (await columnsOf(ctx.db, 'scr_item'))));
    fs.rmSync(`${ctx.box.migrationsDir}/${ctx.box.migrations().at(-1)}`);
    ctx.box.setModels(item([TITLE_WIDE, BODY, NICKNAME, SCORE], "[{ fields: ['score'] }]"));
  });

  it('creates, renames and drops a table; the drop needs --allow-data-loss', async () => {
    ctx.box.setModels({ ...item([TITLE_WIDE, BODY, NICKNAME, SCORE], "[{ fields: ['score'] }]"), note: NOTE });
    await ctx.box.ok(['migrate', '--name', 'note', ...T]);
    assert.match(ctx.box.newest(), /await m\.createTable\('scr_note', \{\n {4}id: /);
    await ctx.box.ok(['upgrade', ...T]);
    await ctx.db.query("INSERT INTO scr_note (text) VALUES ('kept')");

    const memo = NOTE.replace("'scr_note'", "'scr_memo'");
    ctx.box.setModels({ ...item([TITLE_WIDE, BODY, NICKNAME, SCORE], "[{ fields: ['score'] }]"), note: memo });
    await ctx.box.ok(['migrate', '--name', 'memo', '--rename', 'scr_note:scr_memo', ...T]);
    assert.match(ctx.box.newest(), /await m\.renameTable\('scr_note', 'scr_memo'\);/);
    await ctx.box.ok(['upgrade', ...T]);
    assert.deepEqual(await ctx.db.query('SELECT text FROM scr_memo', { type: QueryTypes.SELECT }), [{ text: 'kept' }]);

    ctx.box.setModels(item([TITLE_WIDE, BODY, NICKNAME, SCORE], "[{ fields: ['score'] }]"));
    await ctx.box.ok(['migrate', '--name', 'drop memo', ...T]);
    assert.match(
      ctx.box.newest(),
      /\/\/ DATA LOSS: drops table scr_memo and every row in it\n {2}await m\.dropTable\('scr_memo'\);/,
    );
    const refused = await ctx.box.db(['upgrade', ...T]);
    assert.equal(refused.code, 3);
    assert.ok((await tableNames(ctx.db)).includes('scr_memo'));
    await ctx.box.ok(['upgrade', '--allow-data-loss', ...T]);
    assert.ok(!(await tableNames(ctx.db)).includes('scr_memo'));
  });

  it('narrowing a type is marked DATA LOSS in the file and refused without the flag', async () => {
    ctx.box.setModels(
      item([TITLE_WIDE, BODY, 'nickname: { type: DataTypes.STRING(16), allowNull: true }', SCORE], "[{ fields: ['score'] }]"),
    );
    await ctx.box.ok(['migrate', '--name', 'short nickname', ...T]);
    assert.match(ctx.box.newest(), /\/\/ DATA LOSS: narrows scr_item\.nickname: STRING\(64\) -> STRING\(16\)/);
    const refused = await ctx.box.db(['upgrade', ...T]);
    assert.equal(refused.code, 3);
    assert.equal((await columnsOf(ctx.db, 'scr_item')).nickname?.type, 'VARCHAR(64)');
    await ctx.box.ok(['upgrade', '--allow-data-loss', ...T]);
    assert.equal((await columnsOf(ctx.db, 'scr_item')).nickname?.type, 'VARCHAR(16)');
    assert.deepEqual(
      await rows(ctx.db, 'title, body, nickname'),
      data.map(({ nick, ...r }) => ({ ...r, nickname: nick })),
    );
  });

  it('writes files that pass the project formatter and linter, and --empty writes a blank one', async () => {
    await ctx.box.ok(['migrate', '--empty', '--name', 'backfill', ...T]);
    assert.match(ctx.box.newest(), /export async function up\(_m: MigrationContext\)/);
    assert.equal((await ctx.box.db(['migrate', '--verify', ...T])).code, 0, 'an empty migration keeps the snapshot');
    const lint = await ctx.box.biome();
    assert.equal(lint.code, 0, lint.out);
  });

  it('lists history and heads, and downgrades by version and by steps', async () => {
    const heads = await ctx.box.ok(['heads', ...T]);
    assert.match(heads, /_backfill\n$/);
    await ctx.box.ok(['upgrade', ...T]);
    const names = ctx.box.migrations().map((f) => f.replace(/\.ts$/, ''));
    const history = await ctx.box.ok(['history', ...T]);
    for (const name of names) assert.match(history, new RegExp(`applied \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +${name}`));
    assert.match(await ctx.box.ok(['heads', ...T]), /no heads/);

    await ctx.box.ok(['downgrade', '--steps', '2', '--allow-data-loss', ...T]);
    assert.equal((await columnsOf(ctx.db, 'scr_item')).nickname?.type, 'VARCHAR(64)');
    await ctx.box.ok(['downgrade', '--to', '0002', '--allow-data-loss', ...T]);
    assert.deepEqual(Object.keys(await columnsOf(ctx.db, 'scr_item')).sort(), ['body', 'id', 'nick', 'title']);
    assert.deepEqual(await rows(ctx.db, 'title, body, nick'), data);
    const pending = (await ctx.box.ok(['heads', ...T])).trim().split('\n');
    assert.deepEqual(pending, names.slice(1));
    await ctx.box.ok(['upgrade', '--allow-data-loss', ...T]);
    assert.deepEqual(
      await rows(ctx.db, 'title, body, nickname'),
      data.map(({ nick, ...r }) => ({ ...r, nickname: nick })),
    );
  });
});
