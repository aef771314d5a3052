import { BaseConf } from '../../common/libs/base_conf.js';
import { BaseView } from '../../common/libs/base_view.js';
import { bootConf } from '../../common/libs/boot_conf.js';
import { createHttpApp } from '../../common/libs/http_app.js';
import { listen } from '../../common/libs/http_server.js';
import { bootLogger } from '../../common/libs/launcher.js';
import { ECHO_BODY_SCHEMA } from './echo_schema.js';

class EchoView extends BaseView {
  static override spec = { post: { body: ECHO_BODY_SCHEMA } };
  async post() {
    return this.answer(this.body());
  }
}

class BenchConf extends BaseConf {
  override SERVER_NAME = 'bench_echo';
  override SERVER_ID = 'bench';
  override DB = { default: 'sqlite::memory:' };
}

/**
 * gatehouse's validated POST: one view behind the real HTTP app (`POST /v1/echo`), with the
 * config and logger a launcher boots (environment, defaults: access log and LOG_STDOUT on).
 */
export async function startGatehouseEcho(): Promise<void> {
  const conf = bootConf(BenchConf);
  const log = bootLogger(conf);
  const { app } = createHttpApp({ conf, log, routes: [['/echo', EchoView]] });
  await listen(app, conf.RUN_PORT, conf.HOST);
  log.info(`${conf.SERVER_NAME} listening on http://${conf.HOST}:${conf.RUN_PORT}`);
}
