import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { MessageFlags, type BaseInteraction } from 'discord.js';
import { NecordArgumentsHost } from 'necord';
import { DiscordMetrics, interactionLabel } from '../discord.metrics';
import { replyForError } from './error-replies';

const NO_MENTIONS = { parse: [] };

/**
 * The Discord side of error handling: every error thrown by a command, button or autocomplete handler becomes a
 * short ephemeral answer (never a silent failure), and is logged by how surprising it is. Bound to every
 * necord handler class of the Discord module (see `withDiscordErrorHandling`): the platform's HTTP filter is
 * global and leaves non-HTTP contexts alone.
 */
@Catch()
export class DiscordExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('discord');

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
}

function isInteraction(value: unknown): value is BaseInteraction {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BaseInteraction).isRepliable === 'function' &&
    typeof (value as BaseInteraction).isAutocomplete === 'function'
  );
}
