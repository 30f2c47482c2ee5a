import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { MessageFlags, type BaseInteraction } from 'discord.js';
import { NecordArgumentsHost } from 'necord';
import { DiscordMetrics, interactionLabel } from '../discord.metrics';
import { discordErrorCode, replyForError } from './error-replies';
import { InteractionExpiredError } from './interaction-deadline';

const NO_MENTIONS = { parse: [] };
/** Discord's "Unknown interaction": the 3 s acknowledgement window had passed (or the token is not ours). */
const UNKNOWN_INTERACTION = 10062;
/** Expired interactions come in crowds: one warning per this many ms, with the count since the last one. */
const EXPIRED_WARN_EVERY_MS = 10_000;

/**
 * The Discord side of error handling: every error thrown by a command, button or autocomplete handler becomes a
 * short ephemeral answer (never a silent failure), and is logged by how surprising it is. Bound to every
 * necord handler class of the Discord module (see `withDiscordHandling`): the platform's HTTP filter is
 * global and leaves non-HTTP contexts alone.
 */
@Catch()
export class DiscordExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('discord');

  private expiredUnreported = 0;
  private expiredWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly metrics: DiscordMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> | void {
    if (host.getType<string>() !== 'necord') throw exception;
    const context = NecordArgumentsHost.create(host).getContext<unknown>();
    const target = Array.isArray(context) ? (context[0] as unknown) : undefined;
    if (!isInteraction(target)) {
      this.log.error({ err: exception }, 'Discord event handler failed');
      return;
    }
    return this.answer(target, exception);
  }

  private async answer(interaction: BaseInteraction, exception: unknown): Promise<void> {
    if (
      exception instanceof InteractionExpiredError ||
      (discordErrorCode(exception) === UNKNOWN_INTERACTION && !acknowledged(interaction))
    ) {
      // Discord no longer takes an answer: telling the member is impossible, and trying costs a request.
      const label = interactionLabel(interaction as never);
      this.metrics.interaction(label.kind, label.name, 'expired');
      this.reportExpired();
      return;
    }
    const reply = replyForError(exception, interaction.id);
    const label = interactionLabel(interaction as never);
    this.metrics.interaction(label.kind, label.name, reply.outcome);
    const where = { interaction: label.name, kind: label.kind, interactionId: interaction.id };
    if (reply.outcome === 'bug')
      this.log.error({ err: exception, ...where }, 'Interaction failed unexpectedly');
    else if (reply.outcome === 'failed') this.log.warn({ err: exception, ...where }, 'Interaction failed');
    else this.log.debug({ ...where, reason: reply.content }, 'Interaction refused');

    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      if (!interaction.isRepliable()) return;
      if (interaction.deferred && !interaction.replied) {
        await interaction.editReply({
          content: reply.content,
          embeds: [],
          components: [],
          allowedMentions: NO_MENTIONS,
        });
      } else if (interaction.replied) {
        await interaction.followUp({
          content: reply.content,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
      } else {
        await interaction.reply({
          content: reply.content,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
      }
    } catch (err) {
      // The token may have expired or Discord may be down: nothing more can be told to the user.
      this.log.warn({ err, ...where }, 'Could not tell the user about a failed interaction');
    }
  }

  private reportExpired(): void {
    this.expiredUnreported++;
    const now = Date.now();
    if (now - this.expiredWarnedAt < EXPIRED_WARN_EVERY_MS) return;
    this.log.warn(
      { expired: this.expiredUnreported },
      'Interactions expired before they could be acknowledged (Discord allows 3 s): the process is behind',
    );
    this.expiredUnreported = 0;
    this.expiredWarnedAt = now;
  }
}

function acknowledged(interaction: BaseInteraction): boolean {
  if (interaction.isAutocomplete()) return interaction.responded;
  return interaction.isRepliable() && (interaction.deferred || interaction.replied);
}

function isInteraction(value: unknown): value is BaseInteraction {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BaseInteraction).isRepliable === 'function' &&
    typeof (value as BaseInteraction).isAutocomplete === 'function'
  );
}
