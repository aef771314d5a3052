import type { ScriptJob } from '../../common/libs/scheduler.js';
import { expireSessions } from './expire_sessions.js';
import { purgeLoginRecords } from './purge_login_records.js';

/** The scheduled scripts of manage_system, by name. */
export const SCRIPTS: readonly ScriptJob[] = [purgeLoginRecords, expireSessions];
