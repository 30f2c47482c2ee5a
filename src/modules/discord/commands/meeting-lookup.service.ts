import { Injectable, Logger } from '@nestjs/common';
import type { AutocompleteInteraction } from 'discord.js';
import { MEETING_ID_PATTERN, MeetingsService } from '../../meetings';
import { DiscordMetrics } from '../discord.metrics';
import { CommandAccessService } from '../interaction/command-access.service';
import { meetingChoice } from '../messages/replies';

/** Discord shows at most 25 autocomplete choices. */
const MAX_CHOICES = 25;

/** Finds meetings from what members type: autocomplete choices, and ids or exact titles. */
@Injectable()
export class MeetingLookup {
  private readonly log = new Logger('discord');

  constructor(
    private readonly meetings: MeetingsService,
    private readonly access: CommandAccessService,
    private readonly metrics: DiscordMetrics,
  ) {}

  /**
   * Autocomplete for `meeting-id`: the guild's active meetings whose id starts with, or whose title contains,
   * what was typed. For `/kaltura-end`, only meetings the member may end. Members the guild does not allow to
   * use the command get no choices.
   */
  async suggest(
    interaction: AutocompleteInteraction,
    command: 'kaltura-join' | 'kaltura-end',
  ): Promise<void> {
    let member;
    try {
      member = await this.access.authorize(interaction, command);
    } catch {
      await interaction.respond([]);
      this.metrics.interaction('autocomplete', command, 'refused');
      return;
    }
    const typed = String(interaction.options.getFocused() ?? '')
      .trim()
      .toLowerCase();
    const active = await this.meetings.listActive(member.facts.guildId);
    const choices = active
      .filter((m) => command === 'kaltura-join' || m.hostId === member.userId || member.role === 'admin')
      .filter((m) => !typed || m.id.toLowerCase().startsWith(typed) || m.title.toLowerCase().includes(typed))
      .slice(0, MAX_CHOICES)
      .map(meetingChoice);
    await interaction.respond(choices);
    this.metrics.interaction('autocomplete', command, 'ok');
  }

  /**
   * The meeting id for a typed value: an id as it is, else the one active meeting with exactly that title
   * (someone who typed instead of picking a suggestion). Unknown values pass through and end as not found.
   */
  async resolve(guildId: string, typed: string): Promise<string> {
    const value = typed.trim();
    if (MEETING_ID_PATTERN.test(value)) return value;
    const byTitle = (await this.meetings.listActive(guildId)).filter(
      (m) => m.title.toLowerCase() === value.toLowerCase(),
    );
    if (byTitle.length === 1) return byTitle[0].id;
    this.log.debug({ matches: byTitle.length }, 'Typed meeting value is not an id');
    return value;
  }
}
