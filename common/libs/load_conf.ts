import fs from 'node:fs';
import { ajvStrict, describeAjvError } from './ajv.js';
import { type BaseConf, type ConfSchema, dbReplicasProblem } from './base_conf.js';
import { makeLive } from './conf_live.js';
import { DotenvSyntaxError, parseDotenv } from './dotenv_text.js';
import { INT32_MAX } from './number_bounds.js';
import { DECIMAL_TEXT_PROBLEM, decimalFromText, INTEGER_TEXT_PROBLEM, integerFromText } from './number_text.js';

/** Thrown when config cannot be used; its message is the one line the launcher prints. */
export class ConfError extends Error {
  override name = 'ConfError';
}

export interface LoadConfOptions {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to `.env` in the working directory (skipped if absent); a line that is not dotenv grammar is a ConfError naming file and line. */
  envFile?: string;
  /** Defaults to `CONFIG_FILE` from the environment, else `<SERVER_NAME>/config/config.json` if present. */
  configFile?: string;
}

type ConfClass<T extends BaseConf> = (new () => T) & { schema: typeof BaseConf.schema; RELOADABLE?: readonly string[] };
type Source = { name: string; values: Record<string, string | undefined> };

/** Environment names that fill a part of a map key rather than a whole key. */
const URL_ALIASES: Record<string, [key: 'DB' | 'REDIS', entry: string]> = {
  DB_URL: ['DB', 'default'],
  REDIS_URL: ['REDIS', 'default'],
};

/**
 * Builds the frozen config: environment > `.env` > config file > class defaults.
 * A `<SERVER_NAME>_` prefixed environment name wins over the plain one.
 */
export function loadConf<T extends BaseConf>(Conf: ConfClass<T>, opts: LoadConfOptions = {}): Readonly<T> {
  const conf = new Conf() as T & Record<string, unknown>;
  const origin: Record<string, string> = {};
  const env = opts.env ?? process.env;
  const prefix = `${conf.SERVER_NAME.toUpperCase()}_`;

  const configFile = opts.configFile ?? pick(env, prefix, 'CONFIG_FILE') ?? defaultConfigFile(conf.SERVER_NAME);
  if (configFile) applyConfigFile(conf, configFile, origin);

  const sources: Source[] = [{ name: 'environment', values: env }];
  const envFile = opts.envFile ?? '.env';
  if (fs.existsSync(envFile)) sources.push({ name: envFile, values: readEnvFile(envFile) });

  for (const key of Object.keys(conf)) {
    const found = firstOf(sources, prefix, key);
    if (found) set(conf, key, coerce(key, found.value, conf[key], found.where, Conf.schema), origin, found.where);
  }
  for (const [alias, [mapKey, entry]] of Object.entries(URL_ALIASES)) {
    const found = firstOf(sources, prefix, alias);
    if (!found) continue;
    conf[mapKey] = { ...(conf[mapKey] as Record<string, string>), [entry]: found.value };
    origin[mapKey] = found.where;
  }

  const validate = ajvStrict.compile(withIntegerBounds(Conf.schema));
  if (!validate(conf)) {
    const { msg, field } = describeAjvError('config', validate.errors);
    const key = field.split('.')[1] ?? '';
    throw new ConfError(`${msg.replace(/^config\./, '')}${origin[key] ? ` (from ${origin[key]})` : ''}`);
  }
  const replicas = dbReplicasProblem(conf);
  if (replicas) throw new ConfError(`${replicas}${origin.DB_REPLICAS ? ` (from ${origin.DB_REPLICAS})` : ''}`);
  const unknown = Conf.RELOADABLE?.find((key) => !(key in conf));
  if (unknown) throw new ConfError(`${unknown}: listed in RELOADABLE but not a config key`);
  makeLive(conf, Conf.RELOADABLE ?? []);
  return deepFreeze(conf);
}

function pick(env: Record<string, string | undefined>, prefix: string, key: string): string | undefined {
  return env[prefix + key] ?? env[key];
}

function firstOf(sources: Source[], prefix: string, key: string): { value: string; where: string } | undefined {
  for (const { name, values } of sources) {
    for (const candidate of [prefix + key, key]) {
      const value = values[candidate];
      if (value !== undefined) return { value, where: `${name} ${candidate}` };
    }
  }
  return undefined;
}

function readEnvFile(file: string): Record<string, string> {
  try {
    return parseDotenv(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof DotenvSyntaxError) throw new ConfError(`${file}:${err.line}: ${err.message}`);
    throw err;
  }
}

function defaultConfigFile(service: string): string | undefined {
  const candidate = `${service}/config/config.json`;
  return service && fs.existsSync(candidate) ? candidate : undefined;
}

function applyConfigFile(conf: Record<string, unknown>, file: string, origin: Record<string, string>): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfError(`config file ${file}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfError(`config file ${file}: must hold a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in conf)) throw new ConfError(`${key}: unknown key (from config file ${file})`);
    set(conf, key, value, origin, `config file ${file}`);
  }
}

function set(conf: Record<string, unknown>, key: string, value: unknown, origin: Record<string, string>, where: string) {
  conf[key] = value;
  origin[key] = where;
}

/**
 * A config integer without an explicit bound gets the 32-bit range: config integers are
 * ports, counts, days, bytes and timer delays, and Node clamps a timer beyond 2^31 - 1 ms
 * to 1 ms. Also keeps `1e400` in a JSON config file (Infinity, which ajv counts as an
 * integer) out.
 */
function withIntegerBounds(schema: ConfSchema): ConfSchema {
  const properties: ConfSchema['properties'] = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    properties[key] = prop.type === 'integer' ? { minimum: -INT32_MAX, maximum: INT32_MAX, ...prop } : prop;
  }
  return { ...schema, properties };
}

/** Turns environment text into the type of the key's default; numbers must be plain decimal. */
function coerce(key: string, text: string, current: unknown, where: string, schema: ConfSchema): unknown {
  if (typeof current === 'number') {
    const integer = schema.properties[key]?.type === 'integer';
    const value = integer ? integerFromText(text) : decimalFromText(text);
    if (value === undefined) {
      throw new ConfError(`${key}: ${integer ? INTEGER_TEXT_PROBLEM : DECIMAL_TEXT_PROBLEM} (from ${where})`);
    }
    return value;
  }
  if (typeof current === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    return text;
  }
  if (Array.isArray(current) && !text.trim().startsWith('[')) {
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (current !== null && typeof current === 'object') {
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfError(`${key}: must be JSON (from ${where})`);
    }
  }
  return text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
