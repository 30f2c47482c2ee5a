import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AccessTokenService, ApiKeyService } from '../../src/modules/auth';
import { GuildConfigService } from '../../src/modules/config';
import { MeetingsService } from '../../src/modules/meetings';
import { WebhookEventRepository } from '../../src/modules/notification';
import { bootTestApp, type TestApp } from '../support/app';
import { GUILD, apiKeyCases, authCases, configCases, meetingCases, meetings, valid } from './rest.cases';
import { type HttpCase, expectClientError } from './support';

/**
 * The REST corpus: every route of /api/v1 (meetings, api keys, config, auth) gets malformed bodies, wrong types,
 * unknown fields, huge strings, bad ids and wrong content types. Each must answer a 4xx problem, store nothing
 * (meetings, API keys, config, webhook events unchanged) and leave the process answering /health/live.
 */

let t: TestApp;
let meetingId = '';
const http = () => request(t.app.getHttpServer());

/** Everything a bad request could have written, read behind the HTTP layer (no rate-limit budget spent). */
async function snapshot() {
  const keyList = await t.app.get(ApiKeyService).list(GUILD);
  return {
    meetings: (await t.app.get(MeetingsService).listActive(GUILD)).map((m) => `${m.id}:${m.status}`),
    config: JSON.stringify(await t.app.get(GuildConfigService).get(GUILD)),
    apiKeys: keyList.map((k) => `${k.id}:${k.name}:${String(k.revokedAt)}`),
    webhookEvents: await t.app.get(WebhookEventRepository).count(),
  };
}

/**
 * Each case comes from its own client address and, when signed in, its own admin: the rate limits (per IP on
 * auth routes, per token subject elsewhere) would otherwise turn the corpus into a run of 429s.
 */
let callers = 0;
function freshCaller(): { ip: Record<string, string>; auth: Record<string, string> } {
  callers += 1;
  const ip = { 'X-Forwarded-For': `198.18.${Math.floor(callers / 250) % 250}.${(callers % 250) + 1}` };
  const { token } = t.app.get(AccessTokenService).issue({
    kind: 'user',
    subject: String(760000000000000000n + BigInt(callers)),
    displayName: `Admin ${callers}`,
    guilds: { [GUILD]: 'admin' },
  });
  return { ip, auth: { Authorization: `Bearer ${token}` } };
}

function send(c: HttpCase) {
  let req = http()[c.method](c.path.replace(':meetingId', meetingId));
  const caller = freshCaller();
  const headers = { ...caller.ip, ...(c.headers ?? caller.auth) };
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  if (c.body === undefined) return req;
  const raw = Buffer.isBuffer(c.body)
    ? c.body
    : Buffer.from(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
  if (c.contentType !== null) req = req.set('Content-Type', c.contentType ?? 'application/json');
  // superagent would re-encode a Buffer: send the bytes untouched.
  return req.serialize((data: unknown) => data as string).send(raw);
}

describe('bad input on the REST API: 4xx, nothing stored, still alive', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-bad-rest-'));
    mkdirSync(join(dir, 'overrides'));
    copyFileSync(join('config', 'default_config.json'), join(dir, 'default_config.json'));
    t = await bootTestApp({ CONFIG_DIR: dir });
    // One real meeting, so id-based cases have something to miss next to.
    const created = await http().post(meetings).set(freshCaller().auth).send(valid);
    expect(created.status).toBe(201);
    meetingId = created.body.meeting.id;
  });
  afterAll(() => t?.close());

  beforeEach(async () => {
    before = await snapshot();
  });

  /** The case's answer is a 4xx problem, nothing changed, and the process still answers. */
  async function check(c: HttpCase): Promise<void> {
    const res = await send(c);
    await http().get('/health/live').expect(200);
    expect(await snapshot()).toEqual(before);
    expectClientError(res, c.expect);
  }

  it.each([...meetingCases, ...apiKeyCases])('meetings and api keys: $name', check);
  it.each(configCases)('$name', check);
  it.each(authCases)('$name', check);

  it('no prototype was polluted by the __proto__ cases', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
