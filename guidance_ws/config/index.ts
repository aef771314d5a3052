import { bootConf } from '../../common/libs/boot_conf.js';
import { SysConf } from './sys_conf.js';

/** The service's config, loaded once (environment > .env > config file > defaults). */
export const sysConf = bootConf(SysConf);
