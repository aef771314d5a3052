import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { QueryTypes, type Sequelize } from 'sequelize';
import { closeDbs, db, pingDbs, registerDbs } from '../common/libs/db_registry.js';
import { MAY_LAG, replicaRoutes } from '../common/libs/db_replicas.js';
import { dependencyState } from '../common/libs/dependency_state.js';
import { needServices } from './helper/backends.js';
import { TcpProxy } from './helper/tcp_proxy.js';
import { until } from './helper/wait.js';

const MYSQL_URL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');

/**
 * The routing of `routeReads` in process, against the machine's MariaDB: the "primary" and the
 * "replica" (reached through a proxy the test cuts) are two databases of it, so
 * `SELECT DATABASE()` tells which one served a query.
 */
describe('read routing with DB_REPLICAS (in process) [mysql]', function () {
  this.timeout(30_000);
  const tag = randomBytes(4).toString('hex');
  const primaryDb = `gh_test_${tag}_p`;
  const replicaDb = `gh_test_${tag}_r`;
  const target = new URL(MYSQL_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  let sequelize: Sequelize;

  const servedBy = async (options: object = {}) => {
    const rows = await sequelize.query<{ db: string }>('SELECT DATABASE() AS db', { type: QueryTypes.SELECT, ...options });
    return rows[0]?.db;
  };
  const route = () => replicaRoutes().get('default')!;

  before(async function () {
    await needServices(this);
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${primaryDb}\``);
    await admin.query(`CREATE DATABASE \`${replicaDb}\``);
    await admin.end();
    await proxy.start();
    const replicaUrl = `mysql://${target.username || 'root'}@127.0.0.1:${proxy.port}/${replicaDb}`;
    await registerDbs({ default: `${MYSQL_URL}/${primaryDb}` }, [], { acquireMs: 2000 }, { default: [replicaUrl] });
    sequelize = db();
  });

  after(async () => {
    await closeDbs();
    await proxy.cut();
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`DROP DATABASE IF EXISTS \`${primaryDb}\``);
    await admin.query(`DROP DATABASE IF EXISTS \`${replicaDb}\``);
    await admin.end();
  });

  it('sends a SELECT to the primary unless it carries MAY_LAG; a transaction always to the primary', async () => {
    assert.equal(await servedBy(), primaryDb);
    assert.equal(await servedBy({ useMaster: true }), primaryDb);
    assert.equal(await servedBy(MAY_LAG), replicaDb);
    const inReadOnly = await sequelize.transaction({ readOnly: true }, (transaction) => servedBy({ ...MAY_LAG, transaction }));
    assert.equal(inReadOnly, primaryDb);
  });

  it('does not retry a query error on the primary, nor count it as the replica down', async () => {
    const before = { ...route().reads };
    await assert.rejects(
      sequelize.query('SELECT * FROM no_such_table', { type: QueryTypes.SELECT, ...MAY_LAG }),
      /no_such_table/,
    );
    assert.equal(route().isDown, false);
    assert.equal(route().reads.primary, before.primary);
  });

  it('runs a read lost mid-query again on the primary', async () => {
    const admin = await mysql.createConnection(MYSQL_URL);
    try {
      const slow = sequelize.query<{ db: string }>('SELECT SLEEP(1) AS s, DATABASE() AS db', {
        type: QueryTypes.SELECT,
        ...MAY_LAG,
      });
      const running = async () => {
        const [rows] = await admin.query(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE ?',
          [replicaDb, 'SELECT SLEEP(1)%'],
        );
        return (rows as { n: number }[])[0]!.n > 0;
      };
      assert.ok(await until(running, 5000, 20), 'the read runs on the replica');
      await proxy.cut();
      const rows = await slow;
      assert.equal(rows[0]?.db, primaryDb);
      assert.equal(route().isDown, true);
    } finally {
      await admin.end();
      await proxy.start();
    }
    assert.ok(await until(async () => !route().isDown, 5000), 'the probe sees the replica back');
  });

  it('while the replica refuses connections sends MAY_LAG reads to the primary, keeps the database up, and uses the replica again once it is back', async () => {
    assert.equal(await servedBy(MAY_LAG), replicaDb);
    await proxy.cut();
    const before = route().reads.primary;
    assert.equal(await servedBy(MAY_LAG), primaryDb);
    assert.equal(route().isDown, true);
    assert.equal(await servedBy(MAY_LAG), primaryDb);
    assert.equal(route().reads.primary, before + 2);
    assert.equal(dependencyState('database "default"').isDown, false, 'a replica down is not the database down');
    await pingDbs();

    await proxy.start();
    assert.ok(await until(async () => !route().isDown, 5000), 'the probe sees the replica back');
    assert.equal(await servedBy(MAY_LAG), replicaDb);
  });
});
