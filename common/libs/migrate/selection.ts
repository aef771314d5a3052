import { MigrateError } from './migrate_error.js';
import { dataLossOf, type Op } from './ops.js';
import type { Direction } from './steps.js';

/** Which of the candidates (pending oldest first, or applied newest first) a command takes. */
export interface ChooseOptions {
  to?: string;
  steps?: number;
}

/**
 * Upgrade: up to and including `to`, or `steps` of them, else all. Downgrade: back to and
 * including `to`, or `steps` of them, else the newest one.
 */
export function choose(candidates: string[], direction: Direction, opts: ChooseOptions): string[] {
  if (opts.to !== undefined) {
    const index = candidates.findIndex((name) => matchesVersion(name, opts.to!));
    if (index < 0) {
      const state = direction === 'up' ? 'pending' : 'applied';
      throw new MigrateError(`--to ${opts.to}: no ${state} migration has that version`, 2);
    }
    return candidates.slice(0, index + 1);
  }
  return candidates.slice(0, opts.steps ?? (direction === 'up' ? candidates.length : 1));
}

/** `0003`, `3` and `0003_20261121T0930_add_x` all name the third migration. */
export function matchesVersion(name: string, version: string): boolean {
  if (name === version) return true;
  return /^\d+$/.test(version) && Number(name.split('_')[0]) === Number(version);
}

/**
 * Throws before anything runs when a planned step loses data and the flag was not given;
 * the message suggests `command` (the user's own, default `npm run db -- <upgrade|downgrade> -t <service>`)
 * plus `--allow-data-loss`.
 */
export function refuseDataLoss(
  service: string,
  plans: Map<string, Op[]>,
  direction: Direction,
  opts: { allowDataLoss?: boolean; fake?: boolean; command?: string },
): void {
  if (opts.allowDataLoss || opts.fake) return;
  for (const [name, ops] of plans) {
    const index = ops.findIndex((op) => dataLossOf(op));
    if (index < 0) continue;
    const again = opts.command ?? `npm run db -- ${direction === 'up' ? 'upgrade' : 'downgrade'} -t ${service}`;
    throw new MigrateError(
      `refused: ${name} ${direction} step ${index + 1} ${dataLossOf(ops[index]!)}; nothing was run. ` +
        `Take a backup, then \`${again} --allow-data-loss\``,
      3,
    );
  }
}
