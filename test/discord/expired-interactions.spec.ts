import request from 'supertest';
import { MeetingsService, type Meeting } from '../../src/modules/meetings';
import { eventually } from '../support/eventually';
import { bootFullApp, settled, world, type FullApp } from '../support/full-app';

jest.setTimeout(30_000);

const at = { guildId: world.guildId, channelId: world.channelId };

/**
 * Interactions too old to acknowledge (Discord refuses a first answer 3 s after creating one) are dropped before
 * any work, by Discord's clock as the snowflake tells it, corrected for a local clock that runs ahead.
 * The fake enforces Discord's deadline, counted from the interaction's creation.
 */
describe('expired interactions (whole app, fake Discord enforcing the 3 s deadline)', () => {
  let t: FullApp;
  let meeting: Meeting;

  beforeAll(async () => {
    t = await bootFullApp(); // the fake enforces the 3 s deadline by default
    meeting = await t.app.get(MeetingsService).create({
      guildId: world.guildId,
      channelId: world.channelId,
      host: { userId: world.host, role: 'moderator', displayName: 'Hana Host' },
      title: 'Expiry',
      type: 'meeting',
    });
  });
  afterAll(() => t?.close());

  const join = (userId: string, createdAgoMs = 0) =>
    t.discord.sendSlashCommand({
      ...at,
      userId,
      name: 'kaltura-join',
      options: { 'meeting-id': meeting.id },
      createdAgoMs,
    });

  // First, while the clock has seen nothing fresher: the freshest arrival sets the skew baseline.
  it('answers every interaction when our clock runs 5 s ahead of Discord (all look 5 s old)', async () => {
    t.discord.state.settings.enforceAckDeadline = false; // Discord's own clock would see them as fresh
    try {
      for (const userId of [world.viewer, world.host]) {
        const done = await settled(join(userId, 5_000));
        expect(JSON.stringify(done.original?.message ?? done.callback?.data)).toContain(
          'virtualEvent/launch',
        );
      }
    } finally {
      t.discord.state.settings.enforceAckDeadline = true;
    }
  });

  it('answers a fresh interaction in the callback', async () => {
    const ack = await join(world.viewer).waitForCallback();
    expect(ack.type).toBe(4);
    expect(ack.elapsedMs).toBeLessThan(3000);
  });

  it('drops an interaction already 2.7 s old: no Kaltura call, no request to Discord, counted as expired', async () => {
    const kalturaCalls = t.kaltura!.calls.length;
    const handle = join(world.admin, 2_700);
    // Positive markers instead of a pause: the drop is counted, then a later interaction goes all the way
    // through the same pipeline (its callback and Kaltura call) before the dropped one is checked.
    await eventually(
      async () =>
        /kd_commands_total\{kind="command",command="kaltura-join",outcome="expired"\} 1/.test(
          (await request(t.app.getHttpServer()).get('/metrics')).text,
        ),
      5_000,
      'the expired interaction counted',
    );
    const later = join(world.viewer);
    expect((await later.waitForCallback()).type).toBe(4);

    expect(handle.responses().callback).toBeNull();
    expect(t.discord.findCalls((c) => c.path.includes(`/interactions/${handle.id}/`))).toEqual([]);
    // The viewer's join needs no Kaltura call (user known, KS signed locally): any call would be the admin's.
    expect(t.kaltura!.calls.length).toBe(kalturaCalls);
    expect(t.logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        expired: 1,
        msg: expect.stringContaining('expired before they could be acknowledged'),
      }),
    );
  });
});
