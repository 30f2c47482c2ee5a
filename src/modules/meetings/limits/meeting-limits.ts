import { createHash } from 'node:crypto';
import type { MeetingCommand } from '../domain/command-policy';
import { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { GuildConfig } from '../../config';
import type { Meeting } from '../domain/meeting';
import { MeetingRepository } from '../meeting.repository';
import {
  ActiveMeetingsLimitError,
  CommandRateLimitedError,
  MeetingStartPendingError,
} from '../meetings.errors';
import { CommandBudget } from './command-budget';
import { StartDeduplicator, StartStillPendingError } from './start-deduplicator';

/** The meeting commands that draw on the budgets (every transport: slash command, button, REST). */

/** How long an identical start (same host, channel and title) gets the meeting the first one made. */
export const DUPLICATE_START_WINDOW_MS = 60_000;
/** A duplicate whose meeting ended is retried as a new start this many times (another may race it). */
const MAX_CLAIMS = 3;

/** Only what the limits read: the guild's effective configuration. */
export interface LimitsConfigSource {
  get(guildId: string): Promise<GuildConfig>;
}

export interface StartKey {
  guildId: string;
  channelId: string | null;
  hostId: string;
  title: string;
}

const hash = (parts: string[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);

/**
 * The meetings use cases' limits, one call each at the top of a use case: command budgets per member and per
 * guild, caps on active meetings per host and per guild, and the duplicate-start guard. Budgets and caps come
 * from the guild's `limits` configuration. Ids are hashed before they become store keys.
 */
export class MeetingLimits {
  private readonly log = new Logger('meetings');

  constructor(
    private readonly config: LimitsConfigSource,
    private readonly repository: MeetingRepository,
    private readonly budget: CommandBudget,
    private readonly starts: StartDeduplicator,
    private readonly limitedTotal: Counter<string>,
    private readonly deduplicatedTotal: Counter<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one command against the member's budget, then the guild's; `COMMAND_RATE_LIMITED` (429) when either
   * is spent. A command the guild budget refuses is given back to the member's budget (it did not run).
   */
  async charge(command: MeetingCommand, guildId: string, userId: string): Promise<void> {
    const { commands } = (await this.config.get(guildId)).limits;
    const member = { points: commands.perMember, windowSeconds: commands.windowSeconds };
    const guild = { points: commands.perGuild, windowSeconds: commands.windowSeconds };
    const memberKey = hash([guildId, userId]);
    const mine = await this.budget.take('member', memberKey, member);
    if (!mine.allowed) return this.refuse(command, 'member', mine.retryAfterMs);
    const ours = await this.budget.take('guild', hash([guildId]), guild);
    if (ours.allowed) return;
    await this.budget
      .giveBack('member', memberKey, member)
      .catch((err: unknown) => this.log.warn({ err: String(err) }, 'Could not give back a command'));
    return this.refuse(command, 'guild', ours.retryAfterMs);
  }

  /** `ACTIVE_MEETINGS_LIMIT` (409) when the host or the guild is at its cap of active meetings. */
  async assertCapacity(guildId: string, hostId: string): Promise<void> {
    const { meetings } = (await this.config.get(guildId)).limits;
    if ((await this.repository.countActive(guildId, hostId)) >= meetings.activePerHost) {
      this.limitedTotal.inc({ command: 'kaltura-start', scope: 'host_active' });
      throw new ActiveMeetingsLimitError('host', meetings.activePerHost);
    }
    if ((await this.repository.countActive(guildId)) >= meetings.activePerGuild) {
      this.limitedTotal.inc({ command: 'kaltura-start', scope: 'guild_active' });
      throw new ActiveMeetingsLimitError('guild', meetings.activePerGuild);
    }
  }

  /**
   * Runs `create` unless the same host started a meeting with the same title in the same channel within
   * `DUPLICATE_START_WINDOW_MS`: then that meeting is returned (`reused`), still active. Concurrent identical
   * starts (on any replica, with Redis) wait for the first one and get its meeting: one Kaltura room.
   */
  async startOnce(
    start: StartKey,
    create: () => Promise<Meeting>,
    find: (meetingId: string) => Promise<Meeting | null>,
  ): Promise<{ meeting: Meeting; reused: boolean }> {
    const key = hash([start.guildId, start.channelId ?? '', start.hostId, start.title.trim().toLowerCase()]);
    for (let attempt = 1; ; attempt++) {
      let claim;
      try {
        claim = await this.starts.claim(key);
      } catch (err) {
        if (err instanceof StartStillPendingError) throw new MeetingStartPendingError();
        throw err;
      }
      if (claim.kind === 'existing') {
        const existing = await find(claim.meetingId);
        if (existing?.status === 'active') {
          this.deduplicatedTotal.inc();
          return { meeting: existing, reused: true };
        }
        // Ended (or gone) since: a new start is what the host wants.
        await this.starts.forget(key, claim.meetingId);
        if (attempt >= MAX_CLAIMS) throw new MeetingStartPendingError();
        continue;
      }
      let meeting: Meeting;
      try {
        meeting = await create();
      } catch (err) {
        await this.starts.release(key, claim.token);
        throw err;
      }
      await this.starts.settle(key, claim.token, meeting.id, DUPLICATE_START_WINDOW_MS);
      return { meeting, reused: false };
    }
  }

  private refuse(command: MeetingCommand, scope: 'member' | 'guild', retryAfterMs: number): never {
    this.limitedTotal.inc({ command, scope });
    throw new CommandRateLimitedError(scope, retryAfterMs, this.now());
  }
}
