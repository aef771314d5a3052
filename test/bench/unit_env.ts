import fs from 'node:fs';
import { PROJECT_ROOT } from '../../common/libs/project_root.js';

/** How the shipped system unit (service-units/system.service.in) starts Node. */
export interface UnitLaunch {
  /** Its literal `Environment=NAME=value` lines (those holding a `{{placeholder}}` left out). */
  env: Record<string, string>;
  /** The Node/V8 flags its ExecStart puts between `{{NODE}}` and the launcher. */
  nodeFlags: string[];
}

/**
 * Read from the unit template, so benchmarks and the soak run their servers as systemd runs
 * them in production, and a change to the unit is measured without a second copy here.
 */
export function unitLaunch(): UnitLaunch {
  const text = fs.readFileSync(`${PROJECT_ROOT}/service-units/system.service.in`, 'utf8');
  const env: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=(.*)$/gm)) {
    if (!value!.includes('{{')) env[name!] = value!;
  }
  const exec = /^ExecStart=\{\{NODE\}\} (.*?) \{\{DIST\}\}/m.exec(text);
  return { env, nodeFlags: exec ? exec[1]!.split(/\s+/) : [] };
}
