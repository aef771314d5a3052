import { BaseError, ConnectionError } from 'sequelize';

/** Driver codes that mean the database could not be reached, not that the query was wrong. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);

/** Whether a failure comes from an unreachable database: such requests answer 503, not 500. */
export function isDependencyDown(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  if (!(err instanceof BaseError)) return false;
  const parent = (err as { parent?: { code?: string; errno?: string } }).parent;
  const code = parent?.code ?? parent?.errno ?? (err as { original?: { code?: string } }).original?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** Whether a query failed because a table is missing: the schema is behind the code (migrations not applied). */
export function isSchemaMissing(err: unknown): boolean {
  if (!(err instanceof BaseError)) return false;
  const parent = (err as { parent?: { code?: string; message?: string } }).parent;
  return parent?.code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(parent?.message ?? '');
}
