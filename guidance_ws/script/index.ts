import type { ScriptJob } from '../../common/libs/scheduler.js';
import { purgeMessages } from './purge_messages.js';

/** The scheduled scripts of guidance_ws, by name. */
export const SCRIPTS: readonly ScriptJob[] = [purgeMessages];
