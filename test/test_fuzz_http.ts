import assert from 'node:assert/strict';
import { nastyBody, nastyParam, nastyQuery, nastyString, Rng } from './helper/fuzz_gen.js';
import { FUZZ_CASES, fuzzSeeds } from './helper/fuzz_seeds.js';
import { describeManage } from './helper/manage_suite.js';

const CASES = FUZZ_CASES;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/evil+json',
];

interface Finding {
  n: number;
  request: string;
  problem: string;
}

describeManage('hostile HTTP input', (ctx) => {
  for (const SEED of fuzzSeeds('http')) {
    it(`seed ${SEED}: answers ${CASES} generated requests without a 5xx, a crash or a bare error`, async function () {
      this.timeout(900_000);
      await fuzzSeed(SEED);
    });
  }

  async function fuzzSeed(SEED: number): Promise<void> {
    console.log(`      fuzz seed ${SEED} (replay: FUZZ_SEEDS=${SEED} FUZZ_CASES=${CASES})`);
    const rng = new Rng(SEED);
    const doc = (await ctx.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const templates = [...Object.keys(doc.paths), '/v1/nowhere', '/v2/accounts', '/'];
    const viewer = `fz${SEED}`;
    await ctx.createAccount(viewer, 'viewer-password', 'viewer');
    const viewerToken = await ctx.login(viewer, 'viewer-password');
    const tokens = [undefined, ctx.adminToken, viewerToken, 'garbage', `${ctx.adminToken}x`];
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();

    let next = 0;
    async function worker(): Promise<void> {
      for (let n = next++; n < CASES; n = next++) {
        const template = rng.pick(templates);
        const verbs = Object.keys(doc.paths[template] ?? {}).map((v) => v.toUpperCase());
        const method = verbs.length && rng.chance(0.8) ? rng.pick(verbs) : rng.pick(METHODS);
        const path = template.replace(/\{\w+\}/g, () => nastyParam(rng)) + nastyQuery(rng);
        // logout/refresh with a real token would end the session every later case relies on
        const token = /\/auth\/(logout|refresh)/.test(template) ? rng.pick([undefined, 'garbage']) : rng.pick(tokens);
        const headers: Record<string, string> = { 'content-type': rng.pick(CONTENT_TYPES) };
        if (token) headers.authorization = rng.chance(0.9) ? `Bearer ${token}` : token;
        if (rng.chance(0.2))
          headers['x-request-id'] = nastyString(rng)
            .replace(/[^\x20-\x7e]/g, '')
            .slice(0, 300);
        const body = method === 'GET' || method === 'HEAD' ? undefined : nastyBody(rng);
        const label = `#${n} ${method} ${path.slice(0, 120)}`;
        let res: Response;
        let text: string;
        try {
          res = await fetch(ctx.svc.url + path, { method, headers, body });
          text = await res.text(); // a body cut off mid-answer rejects here
        } catch (err) {
          findings.push({ n, request: label, problem: `transport: ${(err as Error).cause ?? (err as Error).message}` });
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) findings.push({ n, request: label, problem: `status ${res.status}: ${text.slice(0, 200)}` });
        if (res.status >= 400 && method !== 'HEAD' && method !== 'OPTIONS') {
          try {
            const env = JSON.parse(text);
            if (
              typeof env.code !== 'number' ||
              env.code === 0 ||
              typeof env.msg !== 'string' ||
              typeof env.request_id !== 'string'
            ) {
              findings.push({ n, request: label, problem: `not an error envelope: ${text.slice(0, 200)}` });
            }
          } catch {
            findings.push({ n, request: label, problem: `not JSON: ${text.slice(0, 200)}` });
          }
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker));

    console.log(
      `      statuses: ${[...statuses.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([s, c]) => `${s}x${c}`)
        .join(' ')}`,
    );
    assert.deepEqual(findings.slice(0, 10), [], `${findings.length} findings with seed ${SEED}`);
    assert.equal(ctx.svc.proc.exitCode, null, 'the service died');
    assert.equal((await ctx.call('GET', '/health')).status, 200);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  }
});
