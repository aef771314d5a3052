import type { DdlEnv } from './ddl.js';
import type { Op } from './ops.js';

/**
 * Whether the schema already shows the effect of `op`: asked of the one step a run that
 * broke off (killed, or failed on MySQL whose DDL commits on its own) may have applied
 * without journaling it (MySQL: no transaction is open then). `false` means "run it": a type or charset change is harmless to
 * repeat, and a data step (`query`, `step`) cannot be told from the schema, so it runs again.
 */
export async function alreadyApplied(op: Op, env: DdlEnv): Promise<boolean> {
  const qi = env.sequelize.getQueryInterface();
  const t = { transaction: env.transaction };
  const exists = (table: string) => qi.tableExists(table, t);
  const columns = async (table: string) => ((await exists(table)) ? Object.keys(await qi.describeTable(table)) : []);
  const indexes = async (table: string) =>
    (await exists(table)) ? ((await qi.showIndex(table, t)) as { name: string }[]).map((i) => i.name) : [];
  switch (op.kind) {
    case 'createTable': {
      if (!(await exists(op.table))) return false;
      const have = new Set(await columns(op.table));
      const want = Object.keys(op.columns);
      return have.size === want.length && want.every((c) => have.has(c));
    }
    case 'dropTable':
      return !(await exists(op.table));
    case 'renameTable':
      return !(await exists(op.from)) && (await exists(op.to));
    case 'addColumn':
      return (await columns(op.table)).includes(op.column);
    case 'removeColumn':
      return !(await columns(op.table)).includes(op.column);
    case 'renameColumn': {
      const have = await columns(op.table);
      return !have.includes(op.from) && have.includes(op.to);
    }
    case 'addIndex':
      return (await indexes(op.table)).includes(op.index.name);
    case 'removeIndex':
      return !(await indexes(op.table)).includes(op.name);
    default:
      return false;
  }
}
