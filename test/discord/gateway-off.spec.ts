import request from 'supertest';
import { bootTestApp } from '../support/app';
import { resetProcessState } from '../support/full-app';

describe('Discord gateway', () => {
  describe('without DISCORD_TOKEN', () => {
    it('starts with the gateway off and says so in one log line', async () => {
      resetProcessState();
      const t = await bootTestApp({});
      try {
        const lines = t.logs.records().filter((r) => String(r.msg).includes('Discord gateway off'));
        expect(lines).toEqual([
          expect.objectContaining({ msg: 'Discord gateway off: DISCORD_TOKEN is unset', module: 'discord' }),
        ]);
        const res = await request(t.app.getHttpServer()).get('/health/ready');
        expect(res.body.details?.discord).toBeUndefined();
      } finally {
        await t.close();
      }
    });
  });
});
