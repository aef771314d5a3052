import { DataTypes, type Model, type ModelStatic, Op, type Sequelize, type Transaction } from 'sequelize';
import type { UmzugStorage } from 'umzug';

/** `applied`, or a run that is under way or broke off (`running_*` is what a crash leaves). */
export type RecordState = 'applied' | 'running_up' | 'failed_up' | 'running_down' | 'failed_down';

export interface MigrationRecord {
  name: string;
  state: RecordState;
  steps_done: number;
  steps_total: number;
  /** The step being run, or the one that failed. */
  current_step: string | null;
  error: string | null;
  applied_at: Date | null;
  updated_at: Date;
}

/** States in which the migration's `up` counts as applied (a `down` was started on it). */
const APPLIED: RecordState[] = ['applied', 'running_down', 'failed_down'];

/**
 * The per-service record table (`<service>_migrations`): umzug's storage (applied names)
 * plus a journal of each run, so a failure on MySQL, whose DDL is not transactional,
 * leaves a row saying which step failed and how many before it were applied.
 */
export class MigrationRecords implements UmzugStorage {
  private readonly model: ModelStatic<Model<MigrationRecord>>;

  constructor(sequelize: Sequelize, table: string) {
    this.model = sequelize.define<Model<MigrationRecord>>(
      `gh_migrate_${table}`,
      {
        name: { type: DataTypes.STRING(190), primaryKey: true },
        state: { type: DataTypes.STRING(16), allowNull: false },
        steps_done: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        steps_total: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        current_step: { type: DataTypes.STRING(255), allowNull: true },
        error: { type: DataTypes.TEXT, allowNull: true },
        applied_at: { type: DataTypes.DATE, allowNull: true },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      },
      // utf8mb4 whatever the database's default: error texts quote any input.
      { tableName: table, timestamps: false, charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
    );
  }

  /** Creates the record table when missing (the one table made without a migration). */
  async ensure(): Promise<void> {
    await this.model.sync();
  }

  /** Whether the record table is there (a database no upgrade has touched has none). */
  exists(): Promise<boolean> {
    return this.model.sequelize!.getQueryInterface().tableExists(this.model.getTableName());
  }

  async executed(): Promise<string[]> {
    const rows = await this.model.findAll({ where: { state: { [Op.in]: APPLIED } }, order: [['name', 'ASC']] });
    return rows.map((r) => r.get('name') as string);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    await this.write(name, { state: 'applied', current_step: null, error: null, applied_at: new Date() });
  }

  async unlogMigration({ name }: { name: string }, transaction?: Transaction): Promise<void> {
    await this.model.destroy({ where: { name }, transaction });
  }

  async all(): Promise<MigrationRecord[]> {
    return (await this.model.findAll({ order: [['name', 'ASC']] })).map((r) => r.get({ plain: true }));
  }

  async get(name: string, transaction?: Transaction): Promise<MigrationRecord | undefined> {
    return (await this.model.findByPk(name, { transaction }))?.get({ plain: true });
  }

  /** Upserts the row; fields left out keep their value (or their default on insert). */
  async write(name: string, fields: Partial<MigrationRecord>, transaction?: Transaction): Promise<void> {
    // Read, then write: MySQL counts only changed rows in an UPDATE, so its count cannot say "missing".
    const now = { ...fields, updated_at: new Date() };
    if (await this.model.findByPk(name, { transaction })) await this.model.update(now, { where: { name }, transaction });
    else await this.model.create({ name, state: 'applied', ...now } as MigrationRecord, { transaction });
  }
}
