import type { Renames } from './diff.js';
import { MigrateError } from './migrate_error.js';
import type { Snapshot } from './types.js';

export interface RenameOptions {
  /** `--rename` values: `old:new` (table or column), `table.old:new`, `table.old:table.new`. */
  flags: readonly string[];
  /** `--no-input`: what no flag names is a drop plus an add. */
  noInput: boolean;
  /** Asks a yes/no question; absent when there is no terminal to ask on. */
  ask?: (question: string) => Promise<boolean>;
}

type Pair = { table?: string; old: string; now: string };

/**
 * Decides which dropped+added pairs are renames. A table dropped while another is created,
 * or a column dropped while another is added to the same table, may be a rename: `--rename`
 * says so, else the terminal asks, else `--no-input` says no; with none of them it stops.
 */
export async function decideRenames(from: Snapshot, to: Snapshot, opts: RenameOptions): Promise<Renames> {
  const flags = opts.flags.map(parseFlag);
  const used = new Set<Pair>();
  const renames: Renames = { tables: new Map(), columns: new Map() };
  const dropped = Object.keys(from).filter((t) => !(t in to));
  const created = Object.keys(to).filter((t) => !(t in from));
  const tableWords = (old: string, now: string) => [`table ${old} renamed to ${now}`, `${old}:${now}`] as const;
  await pairUp(dropped, created, tableWords, flags, used, opts, (old, now) => {
    renames.tables.set(old, now);
  });
  const oldOf = new Map([...renames.tables].map(([o, n]) => [n, o]));
  for (const table of Object.keys(to)) {
    const old = oldOf.get(table) ?? (table in from ? table : undefined);
    if (old === undefined) continue;
    const before = from[old]!.columns;
    const after = to[table]!.columns;
    const gone = Object.keys(before).filter((c) => !(c in after));
    const added = Object.keys(after).filter((c) => !(c in before));
    const scoped = flags.filter((f) => f.table === undefined || f.table === table || f.table === old);
    const words = (o: string, n: string) => [`column ${table}.${o} renamed to ${n}`, `${table}.${o}:${n}`] as const;
    await pairUp(gone, added, words, scoped, used, opts, (o, n) => {
      const map = renames.columns.get(table) ?? new Map<string, string>();
      renames.columns.set(table, map.set(o, n));
    });
  }
  const unused = flags.filter((f) => !used.has(f));
  if (unused.length) {
    const f = unused[0]!;
    throw new MigrateError(`--rename ${f.table ? `${f.table}.` : ''}${f.old}:${f.now} matches no dropped and added pair`, 2);
  }
  return renames;
}

async function pairUp(
  gone: string[],
  added: string[],
  words: (old: string, now: string) => readonly [question: string, flag: string],
  flags: Pair[],
  used: Set<Pair>,
  opts: RenameOptions,
  accept: (old: string, now: string) => void,
): Promise<void> {
  const free = new Set(added);
  for (const old of gone) {
    const flag = flags.find((f) => !used.has(f) && f.old === old && free.has(f.now));
    if (flag) {
      used.add(flag);
      free.delete(flag.now);
      accept(old, flag.now);
      continue;
    }
    for (const now of free) {
      if (opts.noInput) break;
      const [question, flag] = words(old, now);
      if (!opts.ask) {
        throw new MigrateError(
          `${question}? Decide with --rename ${flag}, or --no-input to drop and add (no terminal to ask)`,
          2,
        );
      }
      if (await opts.ask(`Was ${question}?`)) {
        free.delete(now);
        accept(old, now);
        break;
      }
    }
  }
}

function parseFlag(text: string): Pair {
  const m = /^(?:([a-z0-9_]+)\.)?([A-Za-z0-9_]+):(?:([a-z0-9_]+)\.)?([A-Za-z0-9_]+)$/.exec(text);
  if (!m) throw new MigrateError(`--rename ${text}: expected old:new or table.old:new`, 2);
  return m[1] === undefined ? { old: m[2]!, now: m[4]! } : { table: m[1], old: m[2]!, now: m[4]! };
}
