import fs from 'node:fs';
import net from 'node:net';
import { integerFromText } from '../../common/libs/number_text.js';
import type { ServicePlan } from './plan.js';

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const RESERVED = new Set([
  'common',
  'test',
  'tools',
  'migrations',
  'service_units',
  'node_modules',
  'dist',
  'run_data',
  'run_logs',
]);
const KINDS = ['http', 'ws', 'server', 'service'] as const;

export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

/** Every RUN_PORT a service config of this project declares, by service folder. */
export function declaredPorts(root: string): Map<number, string> {
  const ports = new Map<number, string>();
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const file = `${root}/${entry.name}/config/sys_conf.ts`;
    if (!entry.isDirectory() || !fs.existsSync(file)) continue;
    const match = fs.readFileSync(file, 'utf8').match(/RUN_PORT\s*=\s*(\d+)/);
    if (match) ports.set(Number(match[1]), entry.name);
  }
  return ports;
}

/**
 * Every table tag a model of this project uses (\`tableName('<tag>', ...)\`), with the first
 * file that uses it. HTTP services share manage_system's database, so two services with one
 * tag could both claim a table.
 */
export function declaredTags(root: string): Map<string, string> {
  const tags = new Map<string, string>();
  const dirs = ['common/model_db'];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && fs.existsSync(`${root}/${entry.name}/db_model`)) dirs.push(`${entry.name}/db_model`);
  }
  const files = dirs.flatMap((dir) => fs.readdirSync(`${root}/${dir}`).map((f) => `${dir}/${f}`));
  for (const file of files.filter((f) => f.endsWith('.ts')).sort()) {
    for (const match of fs.readFileSync(`${root}/${file}`, 'utf8').matchAll(/tableName\(\s*'([a-z0-9]+)'/g)) {
      if (!tags.has(match[1] as string)) tags.set(match[1] as string, file);
    }
  }
  return tags;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Checks the request against the project as it is; throws a ScaffoldError naming the problem. */
export async function validatePlan(
  root: string,
  raw: { name?: string; kind?: string; port?: string; id?: string; tag?: string },
): Promise<ServicePlan> {
  const { name = '', kind = 'http' } = raw;
  if (!NAME.test(name) || name.length > 40)
    throw new ScaffoldError(`--name: "${name}" must be snake_case (a-z, 0-9, _), starting with a letter`);
  if (RESERVED.has(name)) throw new ScaffoldError(`--name: "${name}" is reserved`);
  if (fs.existsSync(`${root}/${name}`)) throw new ScaffoldError(`--name: ${name}/ already exists`);
  if (!(KINDS as readonly string[]).includes(kind)) throw new ScaffoldError(`--kind: must be one of ${KINDS.join(', ')}`);
  for (const prefix of KINDS) {
    if (fs.existsSync(`${root}/${prefix}_${name}.ts`))
      throw new ScaffoldError(`--name: launcher ${prefix}_${name}.ts already exists`);
  }
  const port = integerFromText(raw.port ?? '') ?? Number.NaN;
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new ScaffoldError(`--port: "${raw.port ?? ''}" must be a whole number from 1024 to 65535`);
  const owner = declaredPorts(root).get(port);
  if (owner) throw new ScaffoldError(`--port: ${port} is already the RUN_PORT of ${owner}`);
  if (!(await portIsFree(port))) throw new ScaffoldError(`--port: ${port} is in use on this machine`);
  const serverId = raw.id ?? `${name}_01`;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(serverId))
    throw new ScaffoldError(`--id: "${serverId}" may hold letters, digits, _ . - only`);
  const tag = raw.tag ?? (name.split('_')[0] as string).slice(0, 3);
  if (!/^[a-z][a-z0-9]{1,7}$/.test(tag)) throw new ScaffoldError(`--tag: "${tag}" must be 2-8 lower-case letters or digits`);
  const tagOwner = declaredTags(root).get(tag);
  if (tagOwner) throw new ScaffoldError(`--tag: "${tag}" is already the table tag of ${tagOwner}; pick another with --tag`);
  return { name, kind: kind as ServicePlan['kind'], port, serverId, tag };
}
