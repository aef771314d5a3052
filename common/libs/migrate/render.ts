import { callStatement, literal } from './literal.js';
import { dataLossOf, type Op } from './ops.js';
import type { Snapshot } from './types.js';

export interface RenderOptions {
  service: string;
  name: string;
  snapshot: Snapshot;
  up: readonly Op[];
  down: readonly Op[];
  /** The command line that wrote it, for the header. */
  command: string;
}

/**
 * The text of a migration file: a header, the model snapshot, then `up` and `down` as
 * one readable `await m.<op>(...)` line per step. Steps that lose data carry a
 * `// DATA LOSS:` comment (the runner refuses them on its own, whatever the comments say).
 */
export function renderMigration(opts: RenderOptions): string {
  const lossy = [...opts.up, ...opts.down].some((op) => dataLossOf(op));
  const snapshot = literal(opts.snapshot, { indent: 0, lead: 32, tail: 1, expand: (p) => p.length <= 2 });
  return [
    '/**',
    ` * ${opts.service} migration ${opts.name}, written by \`${opts.command}\`.`,
    ' * Review it, then commit it with the model change; `upgrade` applies it.',
    ...(lossy ? [' * It has steps marked DATA LOSS: `upgrade`/`downgrade` refuse them without --allow-data-loss.'] : []),
    ' */',
    "import type { MigrationContext } from '../../common/libs/migrate/context.js';",
    "import type { Snapshot } from '../../common/libs/migrate/types.js';",
    '',
    `/** The tables ${opts.service} owns, as its models described them when this migration was written. */`,
    `export const snapshot: Snapshot = ${snapshot};`,
    '',
    ...renderFunction('up', opts.up),
    '',
    ...renderFunction('down', opts.down),
    '',
  ].join('\n');
}

function renderFunction(name: 'up' | 'down', ops: readonly Op[]): string[] {
  const body = ops.flatMap((op) => [...notesOf(op).map((n) => `  // ${n}`), renderOp(op)]);
  const param = body.length ? 'm' : '_m';
  if (!body.length) {
    body.push(
      "  // Data migration: `await m.query(sql)`, or `await m.step('what it does', async ({ sequelize, transaction }) => {...})`.",
    );
    body.push('  // Rename the parameter to `m` when you use it.');
  }
  return [`export async function ${name}(${param}: MigrationContext): Promise<void> {`, ...body, '}'];
}

function notesOf(op: Op): string[] {
  const notes: string[] = [];
  const loss = dataLossOf(op);
  if (loss) notes.push(`DATA LOSS: ${loss}`);
  if (op.kind === 'addColumn' && !op.spec.allowNull && op.spec.defaultValue === undefined && !op.spec.autoIncrement) {
    notes.push('NOTE: NOT NULL without a default fails on SQLite if the table has rows (MySQL fills them with a zero value)');
  }
  if (op.kind === 'changeColumn' && op.from.allowNull && !op.to.allowNull) {
    notes.push(`NOTE: fails if a row holds NULL in ${op.table}.${op.column}`);
  }
  return notes;
}

function renderOp(op: Op): string {
  const call = (method: string, args: unknown[], expandLast = false) => callStatement(2, method, args, expandLast);
  switch (op.kind) {
    case 'createTable':
      if (op.options) return callStatement(2, 'createTable', [op.table, op.columns, op.options], false, false);
      return call('createTable', [op.table, op.columns], true);
    case 'alterTableCharset':
      return call('alterTableCharset', [op.table, { from: op.from, to: op.to }]);
    case 'dropTable':
      return call('dropTable', [op.table]);
    case 'renameTable':
      return call('renameTable', [op.from, op.to]);
    case 'addColumn':
      return call('addColumn', [op.table, op.column, op.spec]);
    case 'removeColumn':
      return call('removeColumn', [op.table, op.column]);
    case 'changeColumn':
      return call('changeColumn', [op.table, op.column, { from: op.from, to: op.to }]);
    case 'renameColumn':
      return call('renameColumn', [op.table, op.from, op.to]);
    case 'addIndex':
      return call('addIndex', [op.table, op.index]);
    case 'removeIndex':
      return call('removeIndex', [op.table, op.name]);
    case 'query':
      return call('query', [op.sql]);
    case 'step':
      return `  // step: ${op.description}`;
  }
}
