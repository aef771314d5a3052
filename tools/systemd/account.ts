import { spawnSync } from 'node:child_process';

/**
 * Whether `name` is an account of this machine, as `id` sees it (so LDAP and other NSS
 * sources count, not only /etc/passwd). Throws when `id` cannot run.
 */
export function accountExists(name: string): boolean {
  const r = spawnSync('id', ['-u', '--', name], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot check --run-as ${name}: id: ${r.error.message}`);
  return r.status === 0;
}
