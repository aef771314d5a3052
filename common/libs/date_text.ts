/**
 * Instants every back end stores and compares as given: MySQL/MariaDB `DATETIME` holds
 * 1000-01-01 to 9999-12-31, and SQLite compares the text Sequelize writes, which stops
 * sorting right past year 9999. RFC 3339 (ajv's `date-time`) also allows a leap second
 * (`23:59:60Z`) that `Date` cannot represent; such a time is refused too.
 */
const EARLIEST_MS = Date.UTC(1000, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const INSTANT_PROBLEM = 'must be a real instant between 1000-01-01 and 9999-12-31 (UTC)';

/** True when `text` (already a valid RFC 3339 date-time) names an instant the databases can hold. */
export function isStorableInstant(text: string): boolean {
  const ms = Date.parse(text);
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}
