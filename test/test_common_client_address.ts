import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { addressBucket } from '../common/func/address_bucket.js';
import { clientAddress, trustProxies } from '../common/libs/client_address.js';
import type { MultLogger } from '../common/libs/mult_logger.js';
import { type HostEnv, withRequestScope } from '../common/libs/request_scope.js';

/** The address `clientAddress` sees for a request from `peer` with these `X-Forwarded-For` headers. */
async function seen(peer: string, forwarded?: string): Promise<string> {
  const app = new Hono();
  app.get('/', (c) => c.text(clientAddress(c)));
  const headers: Record<string, string> = forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
  const incoming = { socket: { remoteAddress: peer }, headers };
  const res = await app.request('/', { headers }, { incoming });
  return res.text();
}

/** The request id the host takes for a request from `peer` carrying `X-Request-Id: given`. */
async function requestIdFrom(peer: string, given: string): Promise<string> {
  const log = { access() {} } as unknown as MultLogger;
  const scoped = withRequestScope((_req, env) => new Response((env as HostEnv).requestId), { log });
  const headers = { 'x-request-id': given };
  const incoming = { socket: { remoteAddress: peer }, headers, url: '/' };
  const res = await scoped(new Request('http://host/', { headers }), { incoming } as unknown as HostEnv, undefined as never);
  return res.text();
}

describe('client address', () => {
  afterEach(() => trustProxies([]));

  it('is the socket peer, and X-Forwarded-For is ignored, when no proxy is trusted', async () => {
    assert.equal(await seen('192.0.2.10', '198.51.100.1'), '192.0.2.10');
    assert.equal(await seen('::ffff:192.0.2.10'), '192.0.2.10');
  });

  it('is the right-most untrusted X-Forwarded-For entry when the peer is a trusted proxy', async () => {
    trustProxies(['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.equal(await seen('127.0.0.1', '203.0.113.7, 198.51.100.1, 10.1.2.3'), '198.51.100.1');
    assert.equal(await seen('::1', '2001:db8::5'), '2001:db8::5');
    assert.equal(await seen('::ffff:127.0.0.1', '198.51.100.2'), '198.51.100.2');
    assert.equal(await seen('127.0.0.1'), '127.0.0.1');
    // only trusted hops: the left-most is as far as the chain goes
    assert.equal(await seen('127.0.0.1', '10.0.0.1, 10.0.0.2'), '10.0.0.1');
  });

  it('stops at a malformed hop and falls back to the peer', async () => {
    trustProxies(['127.0.0.1']);
    assert.equal(await seen('127.0.0.1', '198.51.100.1, not-an-ip'), '127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer outside the trusted list', async () => {
    trustProxies(['10.0.0.0/8']);
    assert.equal(await seen('192.0.2.10', '198.51.100.1'), '192.0.2.10');
  });

  it('takes X-Request-Id only from a trusted proxy: from no peer when none is trusted', async () => {
    trustProxies([]);
    const direct = await requestIdFrom('192.0.2.10', 'trace-direct');
    assert.notEqual(direct, 'trace-direct');
    assert.match(direct, /^[0-9a-f-]{36}$/);
    trustProxies(['127.0.0.1']);
    assert.equal(await requestIdFrom('::ffff:127.0.0.1', 'trace-proxied'), 'trace-proxied');
    const around = await requestIdFrom('192.0.2.10', 'trace-forged');
    assert.notEqual(around, 'trace-forged');
    assert.match(around, /^[0-9a-f-]{36}$/);
  });

  it('refuses a TRUSTED_PROXIES entry that is not an address or range', () => {
    assert.throws(() => trustProxies(['1.2.3.999']), /TRUSTED_PROXIES: "1.2.3.999" is not an IP address or CIDR range/);
  });

  it('buckets IPv6 addresses by /64 and leaves IPv4 alone', () => {
    assert.equal(addressBucket('192.0.2.10'), '192.0.2.10');
    assert.equal(addressBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
  });
});
