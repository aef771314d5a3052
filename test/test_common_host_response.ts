import assert from 'node:assert/strict';
import http, { type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostResponse, hostHeaderSet } from '../common/libs/host_response.js';

const OWN = hostHeaderSet([
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "frame-ancestors 'none'"],
]);

/** One request to a real node server whose responses are HostResponse; `answer` writes the head. */
async function served(answer: (res: HostResponse) => void): Promise<http.IncomingHttpHeaders> {
  const server = http.createServer({ ServerResponse: HostResponse as typeof ServerResponse }, (_req, res) => {
    const host = res as HostResponse;
    host.requestId = 'rid-1';
    host.hostHeaders = OWN;
    answer(host);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ port, host: '127.0.0.1', agent: false }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.headers));
        })
        .once('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('HostResponse: the host headers go out with the head', () => {
  it('adds the request id and the secure headers to the head the app writes', async () => {
    const headers = await served((res) => res.writeHead(200, { 'Content-Type': 'text/plain' }));
    assert.equal(headers['x-request-id'], 'rid-1');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['content-security-policy'], "frame-ancestors 'none'");
    assert.equal(headers['content-type'], 'text/plain');
  });

  it('lets a header the app gives in writeHead win, in any letter case, sent once', async () => {
    const given: OutgoingHttpHeaders = { 'content-security-policy': "default-src 'self'" };
    const headers = await served((res) => res.writeHead(200, 'Fine', given));
    assert.equal(headers['content-security-policy'], "default-src 'self'");
    assert.equal(headers['x-content-type-options'], 'nosniff');
  });

  it('lets a header set with setHeader before the head win', async () => {
    const headers = await served((res) => {
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Connection', 'close');
      res.writeHead(204);
    });
    assert.equal(headers['content-security-policy'], 'sandbox');
    assert.equal(headers['x-request-id'], 'rid-1');
    assert.equal(headers.connection, 'close');
  });

  it('adds them to an implicit head and to raw header pairs', async () => {
    const implicit = await served(() => {});
    assert.equal(implicit['x-request-id'], 'rid-1');
    assert.equal(implicit['x-content-type-options'], 'nosniff');
    const pairs = await served((res) => res.writeHead(200, ['X-Content-Type-Options', 'other', 'X-Extra', '1']));
    assert.equal(pairs['x-content-type-options'], 'other');
    assert.equal(pairs['x-extra'], '1');
    assert.equal(pairs['x-request-id'], 'rid-1');
  });
});
