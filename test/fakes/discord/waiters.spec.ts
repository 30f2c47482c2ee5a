import { FakeDiscord } from './index';

describe('FakeDiscord.waitFor', () => {
  it('refuses an async probe, which would otherwise pass at once and hide a failing condition', async () => {
    const fake = new FakeDiscord();
    await fake.start();
    try {
      const asyncProbe = (async () => false) as unknown as () => boolean;
      await expect(fake.waitFor(asyncProbe, 500, 'an async probe')).rejects.toThrow(/must be synchronous/);
    } finally {
      await fake.stop();
    }
  });
});
