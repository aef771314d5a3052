import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type AsyncAPIDocumentInterface, type Diagnostic, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Hono } from 'hono';
import { loadConf } from '../common/libs/load_conf.js';
import { mountGuide } from '../guidance_ws/api_main.js';
import { SysConf } from '../guidance_ws/config/sys_conf.js';
import type { Gateway } from '../guidance_ws/interface/gateway.js';
import { tempDir } from './helper/backends.js';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { markdownTable } from './helper/markdown_table.js';
import type { GuideClient, ServerFrame } from './helper/ws_client.js';

type Schema = Record<string, unknown>;

/** A frame kind as the document states it: the gateway `receive`s commands and `send`s pushes. */
interface DocFrame {
  action: 'send' | 'receive';
  payload: Schema;
  reply?: Schema;
}

/** Frame name -> its payload (and reply payload), read through the parser's model. */
function framesOf(doc: AsyncAPIDocumentInterface): Map<string, DocFrame> {
  const frames = new Map<string, DocFrame>();
  for (const op of doc.operations().all()) {
    for (const message of op.messages().all()) {
      const reply = op.reply()?.messages().all();
      assert.ok(!reply || reply.length === 1, `${op.id()} has one reply message`);
      frames.set(message.id(), {
        action: op.action() as DocFrame['action'],
        payload: message.payload()!.json() as Schema,
        reply: reply?.[0]?.payload()?.json() as Schema | undefined,
      });
    }
  }
  return frames;
}

/** `{room, since?}` -> `['room', 'since?']`; '-' or no braces -> []. */
function readmeFields(cell: string): string[] {
  const inner = /\{([^}]*)\}/.exec(cell)?.[1];
  return inner === undefined
    ? []
    : inner
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
        .sort();
}

/** The properties of an object schema, optional ones marked as the README marks them (`name?`). */
function schemaFields(schema: Schema): string[] {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.keys((schema.properties as Schema | undefined) ?? {})
    .map((p) => (required.has(p) ? p : `${p}?`))
    .sort();
}

/** The variant of a reply payload that answers success (`code` 0). */
function okVariant(reply: Schema): Schema {
  const variants = (reply.oneOf as Schema[] | undefined) ?? [reply];
  const ok = variants.find((v) => ((v.properties as Schema).code as Schema).const === 0);
  assert.ok(ok, 'the reply has a code-0 variant');
  return ok;
}

/** A push has no `req` (a reply always has one, null when unreadable). */
const isPush = (f: ServerFrame) => !Object.hasOwn(f, 'req');

const prop = (schema: Schema, name: string) => (schema.properties as Record<string, Schema>)[name]!;

describeGuidance('guidance_ws AsyncAPI document', (ctx) => {
  let raw: Schema;
  let doc: AsyncAPIDocumentInterface;
  let diagnostics: Diagnostic[];
  let frames: Map<string, DocFrame>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);

  before(async () => {
    const res = await client(ctx.gateways[0]!.url)('GET', '/asyncapi.json');
    assert.equal(res.status, 200, res.text);
    raw = res.body as Schema;
    const parsed = await new Parser().parse(res.text);
    diagnostics = parsed.diagnostics;
    doc = parsed.document!;
    if (doc) frames = framesOf(doc);
  });

  it('serves AsyncAPI 3.0 that @asyncapi/parser reads with no error and no warning', () => {
    const problems = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
    assert.deepEqual(
      problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
      [],
    );
    assert.ok(doc, 'a document');
    assert.equal(doc.version(), '3.0.0');
    assert.equal(raw.asyncapi, '3.0.0');
  });

  it('names this instance as its ws server, the versioned guide channel and three ways to send the token', () => {
    const [server, ...more] = doc.servers().all();
    assert.equal(more.length, 0);
    assert.equal(server!.host(), `127.0.0.1:${ctx.gateways[0]!.port}`);
    assert.equal(server!.protocol(), 'ws');
    const schemes = server!.security().map((req) => req.all()[0]!.scheme());
    const kinds = schemes.map((s) => `${s.type()} ${s.in() ?? s.scheme()} ${s.name() ?? ''}`.trim()).sort();
    assert.deepEqual(kinds, ['http bearer', 'httpApiKey header Sec-WebSocket-Protocol', 'httpApiKey query token']);
    const [channel, ...others] = doc.channels().all();
    assert.equal(others.length, 0);
    assert.equal(channel!.address(), '/v1/guide');
    assert.ok(channel!.bindings().has('ws'));
  });

  it('lists every frame of the README table with the same direction and fields, and no other', () => {
    const readme = fs.readFileSync('guidance_ws/README.md', 'utf8');
    const rows = markdownTable(readme, 'cmd');
    const listed = new Map<string, string>();
    for (const row of rows) {
      const m = /^(?:(push|reply)\s+)?`([\w-]+)`$/.exec(row.cmd!);
      assert.ok(m, `README row "${row.cmd}" reads as [push|reply] \`name\``);
      const name = m[2]!;
      listed.set(name, m[1] ? 'send' : 'receive');
      const frame = frames.get(name);
      assert.ok(frame, `README frame ${name} is in the document`);
      assert.equal(frame.action, listed.get(name), `${name}: direction`);
      if (frame.action === 'receive') {
        assert.deepEqual(readmeFields(row.data!), schemaFields(prop(frame.payload, 'data')), `${name}: data fields`);
        const ok = okVariant(frame.reply!);
        assert.equal(prop(ok, 'cmd').const, /reply cmd `(\w+)`/.exec(row['reply `data`']!)?.[1] ?? name, `${name}: reply cmd`);
        assert.deepEqual(readmeFields(row['reply `data`']!), schemaFields(prop(ok, 'data')), `${name}: reply data fields`);
      } else if (m[1] === 'push') {
        assert.deepEqual(
          readmeFields(row['reply `data`']!),
          schemaFields(prop(frame.payload, 'data')),
          `${name}: push data fields`,
        );
      }
    }
    const documented = [...frames].map(([name, f]) => `${name} ${f.action}`).sort();
    assert.deepEqual([...listed].map(([name, action]) => `${name} ${action}`).sort(), documented);
  });

  it('lists the close codes of the README close table (1006 aside: it is never sent, the connection just drops)', () => {
    const readme = fs.readFileSync('guidance_ws/README.md', 'utf8');
    // The README's first "code" table holds the error codes; the close codes follow "Close codes:".
    const closeTable = markdownTable(readme.slice(readme.indexOf('Close codes:')), 'code');
    assert.ok(closeTable[0]?.['client should'], 'the close table has a "client should" column');
    const closeCodes = new Set(closeTable.map((r) => Number(r.code)));
    const sent = new Set((((raw.channels as Schema).guide as Schema)['x-close-codes'] as { code: number }[]).map((c) => c.code));
    assert.deepEqual([...closeCodes].filter((c) => c !== 1006).sort(), [...sent].sort());
    for (const code of sent) assert.match(doc.channels().all()[0]!.description()!, new RegExp(`\\| ${code} \\|`));
  });

  describe('frames of a real session', () => {
    /** What a client sent and what answered it (a reply to an unknown cmd or an unreadable frame has no own schema). */
    const exchanges: { sent?: Schema; cmd?: string; reply: ServerFrame; by: GuideClient }[] = [];
    const clients: GuideClient[] = [];

    async function ask(by: GuideClient, cmd: string, data?: Record<string, unknown>): Promise<ServerFrame> {
      const reply = await by.request(cmd, data);
      exchanges.push({ sent: data === undefined ? { cmd, req: reply.req } : { cmd, req: reply.req, data }, cmd, reply, by });
      return reply;
    }

    function check(payload: Schema, frame: unknown, what: string, expect = true): void {
      const validate = ajv.compile(payload);
      assert.equal(validate(frame), expect, `${what}: ${JSON.stringify(frame)} ${ajv.errorsText(validate.errors)}`);
    }

    before(async () => {
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      clients.push(viewer, operator);
      await ask(viewer, 'ping');
      await ask(viewer, 'join', { room });
      await ask(operator, 'send', { room, body: 'stop at bay 2' });
      const last = await ask(operator, 'send', { room, body: { step: 2, note: 'then left' } });
      await viewer.waitForSeq(room, last.data.seq);
      await ask(viewer, 'ack', { room, seq: last.data.seq });
      await ask(viewer, 'history', { room, limit: 5 });
      await ask(viewer, 'leave', { room });
      // Failures the gateway answers with error replies.
      await ask(viewer, 'send', { room, body: 'viewers may not send' });
      await ask(viewer, 'ack', { room: uniqueRoom(), seq: 1 });
      await ask(viewer, 'join', { room: 'no spaces allowed' });
      await ask(viewer, 'history', { room, extra: true });
      await ask(viewer, 'nope');
      viewer.sendRaw('{not json');
      viewer.sendRaw(Buffer.from([1, 2, 3]));
      await viewer.waitFor((f) => f.req === null && f.code !== 11);
      for (const frame of viewer.frames.filter((f) => f.req === null)) exchanges.push({ reply: frame, by: viewer });
    });

    after(() => {
      for (const c of clients) c.close();
    });

    it('sent each reply the document gives its command (or, for an unknown cmd or unreadable frame, the error frame)', () => {
      const unknown = frames.get('error')!;
      assert.equal(unknown.action, 'send');
      for (const { cmd, reply } of exchanges) {
        const frame = cmd === undefined ? undefined : frames.get(cmd);
        check(frame ? frame.reply! : unknown.payload, reply, `reply to ${cmd ?? 'an unreadable frame'}`);
      }
      const codes = exchanges.map((e) => e.reply.code);
      assert.ok(codes.includes(0) && codes.some((c) => c !== 0), 'the sample holds successes and failures');
    });

    it('pushed guide frames that match the document', () => {
      const pushes = clients.flatMap((c) => c.frames.filter(isPush));
      assert.ok(pushes.length >= 2, `${pushes.length} pushes`);
      for (const push of pushes) {
        const frame = frames.get(push.cmd);
        assert.equal(frame?.action, 'send', `${push.cmd} is a frame the gateway sends`);
        check(frame!.payload, push, push.cmd);
      }
    });

    it('accepts in its client schemas what the gateway accepted, and rejects what it refused as malformed', () => {
      for (const { sent, cmd, reply } of exchanges) {
        if (!sent || !frames.has(cmd!)) continue;
        // 12 is a schema violation; 15 and 404 are refusals of a well-formed frame.
        check(frames.get(cmd!)!.payload, sent, `client frame ${cmd}`, reply.code !== 12);
      }
    });

    it('got every frame it checked: nothing the clients received went unchecked', () => {
      const received = clients.reduce((n, c) => n + c.frames.length, 0);
      const pushes = clients.flatMap((c) => c.frames.filter(isPush)).length;
      assert.equal(exchanges.length + pushes, received);
    });
  });
});

describe('API_DOCS turns /asyncapi.json off', () => {
  it('serves the document by default and nothing with API_DOCS=false', async () => {
    const dir = tempDir('asyncapi-off');
    const appWith = async (env: Record<string, string>) => {
      const app = new Hono();
      const conf = loadConf(SysConf, { env, envFile: `${dir}/none.env` });
      await mountGuide(app, { conf, draining: false } as unknown as Gateway);
      return app;
    };
    assert.equal((await (await appWith({})).request('/asyncapi.json')).status, 200);
    assert.equal((await (await appWith({ API_DOCS: 'false' })).request('/asyncapi.json')).status, 404);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
