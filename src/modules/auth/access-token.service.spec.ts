import { JwtService } from '@nestjs/jwt';
import { createHmac, createSecretKey } from 'node:crypto';
import { loadSettings } from '../../platform/settings';
import { AccessTokenService } from './access-token.service';
import { JWT_AUDIENCE, JWT_ISSUER } from './auth.constants';
import { generateApiKey } from './domain/api-key';
import { MemoryApiKeyRepository } from './persistence/api-key.memory.repository';

const SECRET = 's'.repeat(40);
const USER = '100000000000000001';
const GUILD = '300000000000000001';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function handMade(header: object, payload: object, secret = SECRET): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function setup() {
  const settings = loadSettings({ JWT_SECRET: SECRET, JWT_EXPIRY: '15m' });
  const keys = new MemoryApiKeyRepository();
  return {
    service: new AccessTokenService(
      new JwtService({ secret: createSecretKey(Buffer.from(SECRET)) }),
      settings,
      keys,
    ),
    keys,
  };
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: object = {}) => ({
  typ: 'user',
  name: 'Alice',
  guilds: { [GUILD]: 'admin' },
  sub: USER,
  jti: 'j1',
  iss: JWT_ISSUER,
  aud: JWT_AUDIENCE,
  iat: now(),
  exp: now() + 60,
  ...extra,
});

describe('AccessTokenService', () => {
  it('remembers a verified token, but never a refused one, and not past its expiry', () => {
    const { service } = setup();
    const good = handMade({ alg: 'HS256', typ: 'JWT' }, claims());
    expect(service.verify(good)).toBe(service.verify(good));
    const forged = handMade({ alg: 'HS256', typ: 'JWT' }, claims(), 'x'.repeat(40));
    for (let i = 0; i < 2; i++) expect(() => service.verify(forged)).toThrow();
    const soon = handMade({ alg: 'HS256', typ: 'JWT' }, claims({ exp: now() + 1 }));
    service.verify(soon);
    const later = Date.now() + 2_000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(() => service.verify(soon)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
    } finally {
      spy.mockRestore();
    }
  });

  it('issues HS256 tokens with iss, aud, sub, jti and exp = JWT_EXPIRY, and reads them back', () => {
    const { service } = setup();
    const issued = service.issue({
      kind: 'user',
      subject: USER,
      displayName: 'Alice',
      guilds: { [GUILD]: 'moderator' },
    });
    const [header, payload] = issued.token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      sub: USER,
      jti: issued.tokenId,
      typ: 'user',
    });
    expect(payload.exp - payload.iat).toBe(900);
    expect(issued.expiresIn).toBe(900);
    expect(service.verify(issued.token)).toMatchObject({
      kind: 'user',
      subject: USER,
      displayName: 'Alice',
      guilds: { [GUILD]: 'moderator' },
      tokenId: issued.tokenId,
    });
  });

  it('accepts a well-formed hand-made token (the attack cases below differ from it in one thing only)', () => {
    expect(setup().service.verify(handMade({ alg: 'HS256', typ: 'JWT' }, claims())).subject).toBe(USER);
  });

  it.each<[string, string, string]>([
    ['alg none, unsigned', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'INVALID_TOKEN'],
    ['alg None, unsigned', `${b64({ alg: 'None' })}.${b64(claims())}.`, 'INVALID_TOKEN'],
    ['alg HS512 with the right secret', '', 'INVALID_TOKEN'],
    ['wrong secret', handMade({ alg: 'HS256' }, claims(), 'x'.repeat(40)), 'INVALID_TOKEN'],
    ['wrong audience', handMade({ alg: 'HS256' }, claims({ aud: 'someone-else' })), 'INVALID_TOKEN'],
    ['wrong issuer', handMade({ alg: 'HS256' }, claims({ iss: 'evil' })), 'INVALID_TOKEN'],
    ['no audience', handMade({ alg: 'HS256' }, claims({ aud: undefined })), 'INVALID_TOKEN'],
    ['expired', handMade({ alg: 'HS256' }, claims({ exp: now() - 5 })), 'TOKEN_EXPIRED'],
    ['no exp', handMade({ alg: 'HS256' }, claims({ exp: undefined })), 'INVALID_TOKEN'],
    ['unknown typ', handMade({ alg: 'HS256' }, claims({ typ: 'admin' })), 'INVALID_TOKEN'],
    [
      'role that does not exist',
      handMade({ alg: 'HS256' }, claims({ guilds: { [GUILD]: 'owner' } })),
      'INVALID_TOKEN',
    ],
    [
      'guild id that is not a snowflake',
      handMade({ alg: 'HS256' }, claims({ guilds: { abc: 'admin' } })),
      'INVALID_TOKEN',
    ],
    [
      'user subject that is not a snowflake',
      handMade({ alg: 'HS256' }, claims({ sub: 'alice' })),
      'INVALID_TOKEN',
    ],
    ['garbage', 'not.a.jwt', 'INVALID_TOKEN'],
  ])('refuses %s', (name, token, code) => {
    const t =
      name === 'alg HS512 with the right secret'
        ? (() => {
            const head = `${b64({ alg: 'HS512' })}.${b64(claims())}`;
            return `${head}.${createHmac('sha512', SECRET).update(head).digest('base64url')}`;
          })()
        : token;
    expect(() => setup().service.verify(t)).toThrow(expect.objectContaining({ code, status: 401 }));
  });

  it('accepts an API key token only while the key is active in its guild', async () => {
    const { service, keys } = setup();
    const { record } = generateApiKey({
      guildId: GUILD,
      name: 'ci',
      role: 'viewer',
      createdBy: USER,
      now: new Date(),
    });
    await keys.insert(record);
    const { token } = service.issue({
      kind: 'api_key',
      subject: record.id,
      displayName: 'ci',
      guilds: { [GUILD]: 'viewer' },
    });
    await expect(service.authenticate(token)).resolves.toMatchObject({ kind: 'api_key', subject: record.id });
    await keys.revoke(GUILD, record.id, new Date());
    await expect(service.authenticate(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses an API key token naming a key that does not exist', async () => {
    const { service } = setup();
    const { token } = service.issue({
      kind: 'api_key',
      subject: 'ak_000000000000000000000000',
      displayName: 'ghost',
      guilds: { [GUILD]: 'admin' },
    });
    await expect(service.authenticate(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
