import assert from 'node:assert/strict';
import { DataTypes, literal, Model, Sequelize } from 'sequelize';
import { diffSnapshots } from '../common/libs/migrate/diff.js';
import { callStatement } from '../common/libs/migrate/literal.js';
import { narrowingReason } from '../common/libs/migrate/narrowing.js';
import { downOps, type Op } from '../common/libs/migrate/ops.js';
import { decideRenames } from '../common/libs/migrate/renames.js';
import { snapshotOfModels } from '../common/libs/migrate/snapshot.js';
import { dataTypeOf, typeSpecOf } from '../common/libs/migrate/type_spec.js';
import type { Snapshot, TableSpec } from '../common/libs/migrate/types.js';

const kinds = (ops: Op[]) => ops.map((op) => op.kind);
const table = (columns: TableSpec['columns'], indexes: TableSpec['indexes'] = []): TableSpec => ({ columns, indexes });
const ID = { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true };

describe('migration engine: types, snapshot, diff', () => {
  it('writes each supported data type as canonical text and reads it back to the same type', () => {
    const types = [
      DataTypes.STRING(64),
      DataTypes.STRING(10).BINARY,
      DataTypes.CHAR(8),
      DataTypes.TEXT('medium'),
      DataTypes.INTEGER.UNSIGNED,
      new DataTypes.BIGINT({ length: 20, unsigned: true, zerofill: true }),
      DataTypes.DECIMAL(10, 2),
      DataTypes.DOUBLE(8, 3),
      DataTypes.DATE(3),
      DataTypes.ENUM('a', "it's"),
      DataTypes.BOOLEAN,
      DataTypes.JSON,
    ];
    for (const type of types) {
      const text = typeSpecOf(type, 't.c');
      assert.equal(typeSpecOf(dataTypeOf(text), 't.c'), text, text);
      assert.equal(dataTypeOf(text).toString({}), (typeof type === 'function' ? new type() : type).toString({}), text);
    }
    assert.equal(typeSpecOf(DataTypes.DECIMAL(10, 2), 'x'), 'DECIMAL(10, 2)');
    assert.throws(() => typeSpecOf(DataTypes.GEOMETRY, 't.geo'), /t\.geo: type GEOMETRY is not supported/);
  });

  it('tells widening type changes from narrowing ones', () => {
    for (const [from, to] of [
      ['STRING(32)', 'STRING(64)'],
      ['STRING(255)', 'TEXT'],
      ['INTEGER', 'BIGINT'],
      ['INTEGER.UNSIGNED', 'BIGINT'],
      ["ENUM('a')", "ENUM('a', 'b')"],
      ['DECIMAL(10, 2)', 'DECIMAL(12, 2)'],
      ['FLOAT', 'DOUBLE'],
    ]) {
      assert.equal(narrowingReason(from!, to!), undefined, `${from} -> ${to}`);
    }
    for (const [from, to] of [
      ['STRING(64)', 'STRING(16)'],
      ['TEXT', 'STRING(255)'],
      ['BIGINT', 'INTEGER'],
      ['INTEGER', 'INTEGER.UNSIGNED'],
      ["ENUM('a', 'b')", "ENUM('a')"],
      ['DECIMAL(10, 2)', 'DECIMAL(10, 1)'],
      ['STRING(10)', 'INTEGER'],
    ]) {
      assert.match(narrowingReason(from!, to!) ?? '', /may not keep every value/, `${from} -> ${to}`);
    }
  });

  it('snapshots models: column names, flags, database defaults only, named indexes, sorted tables', async () => {
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    class Zed extends Model {}
    class Alpha extends Model {}
    Zed.init({ id: { type: DataTypes.INTEGER, primaryKey: true } }, { sequelize, tableName: 'zed', timestamps: false });
    Alpha.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userName: { type: DataTypes.STRING(32), allowNull: false, unique: true, field: 'user_name' },
        seenAt: { type: DataTypes.DATE, defaultValue: DataTypes.NOW, field: 'seen_at' },
        stamp: { type: DataTypes.DATE, defaultValue: literal('CURRENT_TIMESTAMP') },
        code: { type: DataTypes.STRING(8), unique: 'code_kind' },
        kind: { type: DataTypes.STRING(8), unique: 'code_kind', defaultValue: () => 'x' },
      },
      { sequelize, tableName: 'alpha', timestamps: false, indexes: [{ fields: ['userName', 'stamp'] }] },
    );
    const snap = snapshotOfModels([Zed, Alpha]);
    assert.deepEqual(Object.keys(snap), ['alpha', 'zed']);
    assert.deepEqual(snap.alpha!.columns, {
      id: ID,
      user_name: { type: 'STRING(32)', allowNull: false, unique: true },
      seen_at: { type: 'DATE', allowNull: true },
      stamp: { type: 'DATE', allowNull: true, defaultValue: { literal: 'CURRENT_TIMESTAMP' } },
      code: { type: 'STRING(8)', allowNull: true },
      kind: { type: 'STRING(8)', allowNull: true },
    });
    assert.deepEqual(snap.alpha!.indexes, [
      { name: 'alpha_user_name_stamp', fields: ['user_name', 'stamp'] },
      { name: 'code_kind', fields: ['code', 'kind'], unique: true },
    ]);
    await sequelize.close();
  });

  it('orders operations safely and writes down as the inverse of up', () => {
    const from: Snapshot = {
      keep: table({ id: ID, old: { type: 'STRING(8)', allowNull: true }, gone: { type: 'INTEGER', allowNull: true } }, [
        { name: 'keep_gone', fields: ['gone'] },
      ]),
      dropped: table({ id: ID }),
    };
    const to: Snapshot = {
      keep: table({
        id: ID,
        old: { type: 'STRING(16)', allowNull: false, unique: true },
        added: { type: 'INTEGER', allowNull: true },
      }),
      created: table({ id: ID }, [{ name: 'created_id', fields: ['id'] }]),
    };
    const up = diffSnapshots(from, to);
    assert.deepEqual(kinds(up), [
      'createTable',
      'addIndex',
      'removeIndex',
      'addColumn',
      'changeColumn',
      'removeColumn',
      'addIndex',
      'dropTable',
    ]);
    assert.deepEqual(kinds(downOps(up)), [
      'createTable',
      'removeIndex',
      'addColumn',
      'changeColumn',
      'removeColumn',
      'addIndex',
      'dropTable',
    ]);
    assert.deepEqual(diffSnapshots(to, to), []);
  });

  it('decides renames from --rename, from the terminal, or not at all with --no-input', async () => {
    const from: Snapshot = { t: table({ id: ID, nick: { type: 'STRING(8)', allowNull: true } }), old: table({ id: ID }) };
    const to: Snapshot = { t: table({ id: ID, nickname: { type: 'STRING(8)', allowNull: true } }), fresh: table({ id: ID }) };
    const flagged = await decideRenames(from, to, { flags: ['old:fresh', 't.nick:nickname'], noInput: true });
    assert.deepEqual(kinds(diffSnapshots(from, to, flagged)), ['renameTable', 'renameColumn']);
    const asked: string[] = [];
    const answered = await decideRenames(from, to, { flags: [], noInput: false, ask: async (q) => asked.push(q) > 0 });
    assert.deepEqual(asked, ['Was table old renamed to fresh?', 'Was column t.nick renamed to nickname?']);
    assert.deepEqual(kinds(diffSnapshots(from, to, answered)), ['renameTable', 'renameColumn']);
    const none = await decideRenames(from, to, { flags: [], noInput: true });
    assert.deepEqual(kinds(diffSnapshots(from, to, none)), ['createTable', 'addColumn', 'removeColumn', 'dropTable']);
    await assert.rejects(decideRenames(from, to, { flags: [], noInput: false }), /Decide with --rename old:fresh/);
    await assert.rejects(decideRenames(from, to, { flags: ['t.nope:x'], noInput: true }), /matches no dropped and added pair/);
  });

  it('refuses to generate a primary key change and points at a hand-written migration', () => {
    const from: Snapshot = { t: table({ id: ID, code: { type: 'STRING(8)', allowNull: false } }) };
    const to: Snapshot = {
      t: table({ id: { type: 'INTEGER', allowNull: true }, code: { type: 'STRING(8)', allowNull: false, primaryKey: true } }),
    };
    assert.throws(() => diffSnapshots(from, to), /t\.id: changing the primary key is not generated; write it by hand/);
  });

  it('lays calls out on one line when they fit, else breaks the last object argument', () => {
    assert.equal(callStatement(2, 'removeIndex', ['t', 'i']), "  await m.removeIndex('t', 'i');");
    const long = callStatement(2, 'addColumn', [
      'table',
      'column',
      { type: 'STRING(64)', allowNull: false, comment: 'x'.repeat(90) },
    ]);
    assert.equal(long.split('\n').length, 5);
    assert.match(long, /^ {2}await m\.addColumn\('table', 'column', \{\n {4}type: 'STRING\(64\)',\n/);
  });
  it('carries table charset and column collation: a change converts the table, then sets declared collations again', () => {
    const NAME = { type: 'STRING(64)', allowNull: false };
    const before: Snapshot = { t: table({ id: ID, name: NAME, note: { type: 'TEXT', allowNull: true } }) };
    const after: Snapshot = {
      t: {
        ...table({ id: ID, name: { ...NAME, collate: 'utf8mb4_nopad_bin' }, note: { type: 'TEXT', allowNull: true } }),
        charset: 'utf8mb4',
        collate: 'utf8mb4_unicode_ci',
      },
    };
    const up = diffSnapshots(before, after);
    assert.deepEqual(kinds(up), ['alterTableCharset', 'changeColumn']);
    assert.deepEqual(diffSnapshots(after, after), []);
    // A later charset change sets the identifier's collation again (CONVERT TO resets it).
    const later: Snapshot = { t: { ...after.t!, collate: 'utf8mb4_general_ci' } };
    const again = diffSnapshots(after, later);
    assert.deepEqual(kinds(again), ['alterTableCharset', 'changeColumn']);
    assert.deepEqual(kinds(downOps(up)), ['changeColumn', 'alterTableCharset']);
    const created = diffSnapshots({}, after)[0] as Extract<Op, { kind: 'createTable' }>;
    assert.deepEqual(created.options, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  });
});
