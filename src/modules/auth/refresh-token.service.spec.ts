import { Logger } from '@nestjs/common';
import { MemoryRefreshTokenRepository } from './persistence/refresh-token.memory.repository';
import { RefreshTokenService } from './refresh-token.service';

const USER = '100000000000000001';
const GUILD = '300000000000000001';

describe('RefreshTokenService', () => {
  // Reuse is logged as a warning by design; keep the test output readable.
  beforeAll(() => Logger.overrideLogger(false));
  const setup = () => {
    const repo = new MemoryRefreshTokenRepository();
    return { repo, service: new RefreshTokenService(repo) };
  };

  it('rotates: the successor works, the used token does not', async () => {
    const { service } = setup();
    const first = await service.issue({ subject: USER, guildIds: [GUILD] });
    const record = await service.check(first.token);
    expect(record).toMatchObject({ subject: USER, guildIds: [GUILD] });
    const second = await service.rotate(record, [GUILD]);
    expect(second.token).not.toBe(first.token);
    await expect(service.check(second.token)).resolves.toMatchObject({ familyId: record.familyId });
  });

  it('revokes the whole family when a used token comes back', async () => {
    const { service } = setup();
    const first = await service.issue({ subject: USER, guildIds: [] });
    const second = await service.rotate(await service.check(first.token), []);
    await expect(service.check(first.token)).rejects.toMatchObject({
      code: 'REFRESH_TOKEN_REUSED',
      status: 401,
    });
    // The legitimate successor dies with it: whoever holds it must sign in again.
    await expect(service.check(second.token)).rejects.toMatchObject({ code: 'INVALID_GRANT' });
  });

  it('lets only one of two concurrent rotations of the same token win, and revokes the family', async () => {
    const { service } = setup();
    const first = await service.issue({ subject: USER, guildIds: [] });
    const record = await service.check(first.token);
    const results = await Promise.allSettled([service.rotate(record, []), service.rotate(record, [])]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ token: string }>;
    await expect(service.check(winner.value.token)).rejects.toMatchObject({ code: 'INVALID_GRANT' });
  });

  it('keeps other families alive', async () => {
    const { service } = setup();
    const a = await service.issue({ subject: USER, guildIds: [] });
    const b = await service.issue({ subject: USER, guildIds: [] });
    await service.rotate(await service.check(a.token), []);
    await expect(service.check(a.token)).rejects.toThrow();
    await expect(service.check(b.token)).resolves.toMatchObject({ subject: USER });
  });

  it.each(['', 'kd_rt_short', 'x'.repeat(49), `kd_rt_${'A'.repeat(43)}`])(
    'refuses unknown or malformed token %j',
    async (t) => {
      await expect(setup().service.check(t)).rejects.toMatchObject({ code: 'INVALID_GRANT', status: 401 });
    },
  );

  it('stores only a hash of the token', async () => {
    const { service, repo } = setup();
    const issued = await service.issue({ subject: USER, guildIds: [] });
    const stored = JSON.stringify([...(repo as unknown as { rows: Map<string, unknown> }).rows.values()]);
    expect(stored).not.toContain(issued.token);
    expect(stored).not.toContain(issued.token.slice(6));
  });

  it('refuses an expired token', async () => {
    const { service } = setup();
    const issued = await service.issue({ subject: USER, guildIds: [] });
    jest.useFakeTimers({ now: Date.now() + 31 * 24 * 3600 * 1000 });
    try {
      await expect(service.check(issued.token)).rejects.toMatchObject({ code: 'INVALID_GRANT' });
    } finally {
      jest.useRealTimers();
    }
  });
});
