import { MessageFlags } from 'discord.js';
import { ConfigInteractionStub, manager } from '../../config/discord-stubs';
import { StubInteraction, takeStubViolations, vic } from './interaction-stubs';

/** The unit-tier stubs refuse what Discord and discord.js refuse, and a swallowed refusal still fails the test. */
describe('strict interaction stubs', () => {
  afterEach(() => {
    // This spec provokes the mistakes on purpose; the stubs' own afterEach would fail it otherwise.
    takeStubViolations();
  });

  it('refuses a second answer, even when the handler swallows the error', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await expect(interaction.reply({ content: 'again' })).rejects.toThrow(/answered twice/);
    await interaction.deferReply().catch(() => undefined); // swallowed by a careless handler
    expect(takeStubViolations()).toEqual([
      expect.stringMatching(/reply\(\) after the interaction was already answered/),
      expect.stringMatching(/deferReply\(\) after the interaction was already answered/),
    ]);
  });

  it('refuses edits and followups before the first answer, and answers of the wrong kind', async () => {
    const command = new StubInteraction('command', vic, 'kaltura-list');
    await expect(command.editReply({ content: 'x' })).rejects.toThrow(/before the interaction was answered/);
    await expect(command.followUp({ content: 'x' })).rejects.toThrow(/before the interaction was answered/);
    await expect(command.respond([])).rejects.toThrow(/respond\(\) on a command/);
    const autocomplete = new StubInteraction('autocomplete', vic, 'kaltura-join');
    await expect(autocomplete.reply({ content: 'x' })).rejects.toThrow(/on an autocomplete/);
    await autocomplete.respond([]).catch(() => undefined);
    await expect(autocomplete.respond([])).rejects.toThrow(/answered twice/);
    expect(takeStubViolations()).toHaveLength(5);
  });

  it('refuses unplanned members on both stubs', async () => {
    const button = new StubInteraction('button', vic, 'meeting/join/x');
    expect(() => (button.asAny as { update: unknown }).update).toThrow(
      /unplanned access to interaction.update/,
    );
    const config = new ConfigInteractionStub('command', manager, 'kaltura-config-view');
    expect(() => (config.asAny as { showModal: unknown }).showModal).toThrow(/unplanned access/);
    await config.deferReply({});
    await expect(config.deferReply({})).rejects.toThrow(/answered twice/);
    expect(takeStubViolations()).toHaveLength(3);
  });
});
