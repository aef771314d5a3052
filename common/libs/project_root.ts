import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** The project root (or `dist/` once compiled): two folders above `common/libs/`. */
export const PROJECT_ROOT = path.resolve(path.dirname(here), '..', '..');

/** `.ts` when run from source, `.js` when compiled; used to import modules named in config. */
export const MODULE_EXT = path.extname(here);

export function projectModuleUrl(modulePath: string): string {
  return new URL(`file://${path.join(PROJECT_ROOT, modulePath)}${MODULE_EXT}`).href;
}
