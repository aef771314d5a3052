import { Sequelize } from 'sequelize';
import type { BaseConf } from '../base_conf.js';
import type { ModelModule } from '../db_registry.js';
import { projectModuleUrl } from '../project_root.js';
import { MigrateError } from './migrate_error.js';
import { snapshotOfModels } from './snapshot.js';
import type { Snapshot } from './types.js';

/** A model module may name the one service whose migrations own its table. */
type OwnedModelModule = ModelModule & { OWNER?: string };

export interface ModelSnapshot {
  snapshot: Snapshot;
  /** Model modules left out, and why. */
  warnings: string[];
}

/**
 * The snapshot of the tables a service owns: the models of its MODEL_LIST on the
 * `default` database, defined on an in-memory instance that never connects. READ_MODELS
 * are not part of it, nor is a model whose module exports an `OWNER` naming another service.
 */
export async function modelSnapshotOf(conf: Readonly<BaseConf>): Promise<ModelSnapshot> {
  const offline = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  const warnings: string[] = [];
  try {
    for (const modulePath of conf.MODEL_LIST) {
      const mod = (await import(projectModuleUrl(modulePath))) as OwnedModelModule;
      if (mod.OWNER && mod.OWNER !== conf.SERVER_NAME) {
        warnings.push(`${modulePath}: its table belongs to ${mod.OWNER}, left out (move it to READ_MODELS)`);
        continue;
      }
      if ((mod.DB_NAME ?? 'default') !== 'default') {
        warnings.push(`${modulePath}: on database "${mod.DB_NAME}", not migrated (only \`default\` is)`);
        continue;
      }
      const before = Object.values(offline.models);
      mod.init(offline);
      const replaced = before.find((model) => offline.models[model.name] !== model);
      if (replaced) throw new MigrateError(`${modulePath}: defines a second model named ${replaced.name}`, 2);
    }
    return { snapshot: snapshotOfModels(Object.values(offline.models)), warnings };
  } finally {
    await offline.close();
  }
}
