import { Logger } from '@nestjs/common';
import { createCache } from 'cache-manager';
import { ScriptedDiscord, fastOptions, testMetrics } from '../../../test/notification/support/unit-helpers';
import { ChannelAccess, type ChannelVerdict } from '../channels';
import { ChannelResolver } from './discord-rest/channel-resolver.service';
import { ChannelSuspensions } from './discord-rest/channel-suspensions.service';
import { SuspensionNotices } from './discord-rest/suspension-notices.service';
import type { NotificationRecord } from './domain/notification.types';
import { NotificationDeliveryService } from './notification-delivery.service';
import { InMemoryNotificationRepository } from './persistence/memory-notification.repository';
import { DropJobError, RetryJobError } from './queue/delivery-queue.port';

beforeAll(() => Logger.overrideLogger(false));

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';

function record(overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  const now = new Date();
  return {
    id: 'a'.repeat(24),
    guildId: GUILD,
    type: 'meeting_start',
    status: 'pending',
    meetingId: 'Abc123XYZ9',
    channelRef: CHANNEL,
    channelId: null,
    content: 'hello',
    allowMentions: false,
    source: 'domain',
    sourceEventId: null,
    attempts: 0,
    lastError: null,
    messageId: null,
    leaseUntil: null,
    nextAttemptAt: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    ...overrides,
  };
}

const FOREIGN = '333333333333333333';
/** Refuses FOREIGN as another guild's channel; every other channel is usable. Records what it forgot. */
class StubChannelAccess extends ChannelAccess {
  readonly verifies = true;
  readonly forgotten: string[] = [];
  async check(_guildId: string, ref: string): Promise<ChannelVerdict> {
    return ref === FOREIGN
      ? {
          ok: false,
          channelId: ref,
          reason: 'other_guild',
          message: `Channel ${ref} is not a channel of this server.`,
        }
      : { ok: true, channelId: ref, verified: true };
  }
  forget(channelId: string): void {
    this.forgotten.push(channelId);
  }
}

function setup(discord = new ScriptedDiscord(), options = fastOptions()) {
  const repository = new InMemoryNotificationRepository();
  const metrics = testMetrics();
  const cache = createCache();
  const channels = new ChannelResolver(discord, cache, options);
  const access = new StubChannelAccess();
  const suspensions = new ChannelSuspensions(cache);
  const notices = { tell: jest.fn(async () => 'sent' as const) };
  const service = new NotificationDeliveryService(
    repository,
    discord,
    channels,
    metrics,
    options,
    access,
    suspensions,
    notices as unknown as SuspensionNotices,
  );
  return { repository, discord, metrics, service, access, suspensions, notices };
}

const http = (status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { name: 'DiscordAPIError', status, ...extra });

describe('NotificationDeliveryService', () => {
  it('skips a stored channel that fails the channel check (another guild’s): never posted, reason kept', async () => {
    const { repository, discord, service } = setup();
    await repository.createIfAbsent(record({ channelRef: FOREIGN }));
    await service.deliver('a'.repeat(24));
    expect(discord.posts).toEqual([]);
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'skipped',
      lastError: expect.stringContaining(`Channel ${FOREIGN} skipped`),
    });
  });

  it('forgets what it knew about a channel Discord refused (403)', async () => {
    const { repository, discord, service, access } = setup();
    await repository.createIfAbsent(record());
    discord.plan(http(403, { code: 50013 }));
    await service.deliver('a'.repeat(24)).catch(() => undefined);
    expect(access.forgotten).toEqual([CHANNEL]);
  });

  it('posts once with the notification id as nonce and mentions off, and records the message id', async () => {
    const { repository, discord, service, metrics } = setup();
    discord.plan({ id: '999' });
    await repository.createIfAbsent(record());
    await service.deliver('a'.repeat(24));
    await service.deliver('a'.repeat(24)); // a repeated job finds it sent: no second post
    expect(discord.posts).toEqual([
      { channelId: CHANNEL, message: { content: 'hello', allowMentions: false, nonce: 'a'.repeat(24) } },
    ]);
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'sent',
      messageId: '999',
      channelId: CHANNEL,
      attempts: 1,
      leaseUntil: null,
    });
    expect(await metrics.attemptsOf('sent')).toBe(1);
  });

  it('reschedules a 5xx with backoff and a rate limit no sooner than retry_after', async () => {
    const { repository, discord, service } = setup();
    await repository.createIfAbsent(record());
    discord.plan(http(503));
    const e1 = await service.deliver('a'.repeat(24)).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(RetryJobError);
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Discord answered 503',
    });

    discord.plan(Object.assign(new Error('rate limited'), { name: 'RateLimitError', retryAfter: 4_000 }));
    const e2 = (await service.deliver('a'.repeat(24)).catch((e: unknown) => e)) as RetryJobError;
    expect(e2.delayMs).toBeGreaterThanOrEqual(4_000);
    const failed = await repository.get('a'.repeat(24));
    expect(failed?.nextAttemptAt?.getTime()).toBeGreaterThanOrEqual(Date.now() + 3_900);

    discord.plan({ id: '1000' });
    await service.deliver('a'.repeat(24));
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
  });

  it('retries a post of unknown outcome within the nonce window, so Discord can deduplicate it (issue 26 item 10)', async () => {
    const retry = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 600_000, jitter: 0 };
    const { repository, discord, service } = setup(new ScriptedDiscord(), fastOptions({ retry }));
    await repository.createIfAbsent(record({ attempts: 7 }));
    // The 8th attempt times out: Discord may have created the message, only a retry with the same nonce within
    // "the past few minutes" returns it instead of posting again. The ladder alone would wait 128 s.
    discord.plan(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
    const err = (await service.deliver('a'.repeat(24)).catch((e: unknown) => e)) as RetryJobError;
    expect(err).toBeInstanceOf(RetryJobError);
    expect(err.delayMs).toBeLessThanOrEqual(60_000);
    // A refusal that surely created nothing keeps the long ladder (a 429 waits at least retry_after).
    discord.plan(Object.assign(new Error('rate limited'), { name: 'RateLimitError', retryAfter: 120_000 }));
    const limited = (await service.deliver('a'.repeat(24)).catch((e: unknown) => e)) as RetryJobError;
    expect(limited.delayMs).toBeGreaterThanOrEqual(120_000);
  });

  it('makes a refused message dead at once (no retry)', async () => {
    const { repository, discord, service, metrics } = setup();
    await repository.createIfAbsent(record());
    discord.plan(http(403, { code: 50001, rawError: { message: 'Missing Access' } }));
    await expect(service.deliver('a'.repeat(24))).rejects.toBeInstanceOf(DropJobError);
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'dead',
      lastError: 'Discord refused the message (403 code 50001): Missing Access',
    });
    expect(await metrics.attemptsOf('dead')).toBe(1);
  });

  it('suspends a channel that answered 403: later notifications for it are skipped, not posted (issue 26 item 11)', async () => {
    const { repository, discord, service, notices } = setup();
    await repository.createIfAbsent(record());
    await repository.createIfAbsent(record({ id: 'b'.repeat(24) }));
    discord.plan(http(403, { code: 50013, rawError: { message: 'Missing Permissions' } }));
    await expect(service.deliver('a'.repeat(24))).rejects.toBeInstanceOf(DropJobError);
    // No planned outcome: a second post would fail the test (ScriptedDiscord refuses unplanned calls).
    await service.deliver('b'.repeat(24));
    expect(discord.posts).toHaveLength(1);
    expect(await repository.get('b'.repeat(24))).toMatchObject({
      status: 'skipped',
      lastError: expect.stringContaining('Channel suspended'),
    });
    // The admins are told about the refusal (the notice service dedupes per suspension), not about each skip.
    expect(notices.tell.mock.calls).toEqual([[GUILD, CHANNEL, 50013]]);
  });

  it('gives up after the last attempt', async () => {
    const { repository, discord, service } = setup();
    await repository.createIfAbsent(record());
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      discord.plan(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      errors.push(await service.deliver('a'.repeat(24)).catch((e: unknown) => e));
    }
    expect(errors.slice(0, 3).every((e) => e instanceof RetryJobError)).toBe(true);
    expect(errors[3]).toBeInstanceOf(DropJobError);
    const dead = await repository.get('a'.repeat(24));
    expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
    expect(dead?.lastError).toContain('gave up after 4 attempts');
  });

  it('never posts while another worker holds the lease', async () => {
    const { repository, service } = setup();
    await repository.createIfAbsent(record());
    await repository.beginAttempt('a'.repeat(24), new Date(), 60_000);
    await expect(service.deliver('a'.repeat(24))).rejects.toBeInstanceOf(RetryJobError);
  });

  it('resolves a channel name once and caches it', async () => {
    const discord = new ScriptedDiscord(true, [
      { id: '333333333333333333', name: 'voice', type: 2 },
      { id: '444444444444444444', name: 'Meetings', type: 0 },
      { id: '555555555555555555', name: 'meetings-cat', type: 4 },
    ]);
    const { repository, service } = setup(discord);
    discord.plan({ id: '1' }, { id: '2' });
    await repository.createIfAbsent(record({ id: 'b'.repeat(24), channelRef: '#meetings' }));
    await repository.createIfAbsent(record({ id: 'c'.repeat(24), channelRef: 'MEETINGS' }));
    await service.deliver('b'.repeat(24));
    await service.deliver('c'.repeat(24));
    expect(discord.posts.map((p) => p.channelId)).toEqual(['444444444444444444', '444444444444444444']);
    expect(discord.channelLists).toBe(1);
  });

  it('makes a notification for a channel name that does not exist dead, naming it', async () => {
    const { repository, service } = setup(new ScriptedDiscord(true, []));
    await repository.createIfAbsent(record({ channelRef: 'nowhere' }));
    await expect(service.deliver('a'.repeat(24))).rejects.toBeInstanceOf(DropJobError);
    expect(await repository.get('a'.repeat(24))).toMatchObject({
      status: 'dead',
      lastError: 'No channel named "nowhere" in this guild',
    });
  });

  it('records a posted message through a storage hiccup without posting again', async () => {
    const { repository, discord, service } = setup();
    await repository.createIfAbsent(record());
    const markSent = repository.markSent.bind(repository);
    let failures = 1;
    repository.markSent = async (...args) => {
      if (failures-- > 0) throw new Error('storage hiccup');
      return markSent(...args);
    };
    discord.plan({ id: '77' });
    await service.deliver('a'.repeat(24));
    expect(discord.posts).toHaveLength(1);
    expect(await repository.get('a'.repeat(24))).toMatchObject({ status: 'sent', messageId: '77' });
  });

  it('rebuilds a notification its store has lost from the job copy (restart on memory storage)', async () => {
    const { repository, discord, service } = setup();
    discord.plan({ id: '88' });
    const copy = JSON.parse(JSON.stringify(record({ id: 'd'.repeat(24), status: 'failed', attempts: 3 })));
    await service.deliver('d'.repeat(24), copy);
    expect(await repository.get('d'.repeat(24))).toMatchObject({
      status: 'sent',
      messageId: '88',
      attempts: 4,
    });
    // A copy that does not match the job id, or is not a notification, is ignored.
    await service.deliver('e'.repeat(24), copy);
    await service.deliver('f'.repeat(24), { id: 'f'.repeat(24), content: 42 });
    expect(discord.posts).toHaveLength(1);
  });

  it('records a skip when the bot has no token', async () => {
    const { repository, service } = setup(new ScriptedDiscord(false));
    await repository.createIfAbsent(record());
    await service.deliver('a'.repeat(24));
    expect(await repository.get('a'.repeat(24))).toMatchObject({ status: 'skipped' });
  });
});
