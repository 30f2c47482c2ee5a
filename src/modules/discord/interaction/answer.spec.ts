import { MessageFlags } from 'discord.js';
import { StubInteraction } from '../../../../test/discord/support/interaction-stubs';
import { BEHIND_AFTER_CREATION_MS, answerEphemeral } from './answer';

const vic = { userId: '200000000000000002', displayName: 'Vic' };
const after = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
const failAfter = (ms: number, error: Error) =>
  new Promise<never>((_, reject) => setTimeout(() => reject(error), ms));

describe('answerEphemeral', () => {
  it('answers in the callback itself when the work is ready within the budget', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    const how = await answerEphemeral(interaction.asAny, () => after(5, { content: 'your link' }), 200);
    expect(how).toBe('replied');
    expect(interaction.calls).toEqual([
      { method: 'reply', payload: { content: 'your link', flags: MessageFlags.Ephemeral } },
    ]);
  });

  it('defers at the deadline, then edits the reply in when the work is done', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    const started = Date.now();
    let deferredAt = 0;
    const defer = interaction.deferReply.bind(interaction);
    interaction.deferReply = async (payload) => {
      deferredAt = Date.now() - started;
      return defer(payload);
    };
    const how = await answerEphemeral(interaction.asAny, () => after(300, { content: 'late link' }), 50);
    expect(how).toBe('deferred');
    expect(deferredAt).toBeGreaterThanOrEqual(45);
    expect(deferredAt).toBeLessThan(300);
    expect(interaction.calls).toEqual([
      { method: 'deferReply', payload: { flags: MessageFlags.Ephemeral } },
      { method: 'editReply', payload: { content: 'late link' } },
    ]);
  });

  it('never waits past creation + 2 s, however late the interaction arrived (slow gateway)', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    interaction.createdTimestamp = Date.now() - 1_990; // received 2 s after Discord created it
    const how = await answerEphemeral(interaction.asAny, () => after(200, { content: 'link' }), 1_500);
    expect(how).toBe('deferred');
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
  });

  it('defers before any work when the interaction arrives 1 s or more after Discord created it', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    interaction.createdTimestamp = Date.now() - BEHIND_AFTER_CREATION_MS;
    const order: string[] = [];
    const defer = interaction.deferReply.bind(interaction);
    interaction.deferReply = async (payload) => {
      order.push('defer');
      return defer(payload);
    };
    const how = await answerEphemeral(
      interaction.asAny,
      async () => {
        order.push('work');
        return { content: 'link' }; // ready at once: on time it would have been the callback
      },
      1_500,
    );
    expect(how).toBe('deferred');
    expect(order).toEqual(['defer', 'work']);
    expect(interaction.calls).toEqual([
      { method: 'deferReply', payload: { flags: MessageFlags.Ephemeral } },
      { method: 'editReply', payload: { content: 'link' } },
    ]);
  });

  it('behind, an error from the work comes after the deferral (the exception filter edits the reply)', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    interaction.createdTimestamp = Date.now() - 2_500;
    await expect(
      answerEphemeral(interaction.asAny, () => failAfter(5, new Error('Kaltura down')), 1_500),
    ).rejects.toThrow('Kaltura down');
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply']);
  });

  it('lets an early error through untouched (the exception filter replies), with nothing sent', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    await expect(
      answerEphemeral(interaction.asAny, () => failAfter(5, new Error('not allowed')), 200),
    ).rejects.toThrow('not allowed');
    expect(interaction.calls).toEqual([]);
    expect(interaction.deferred).toBe(false);
  });

  it('lets a late error through after the deferral (the exception filter edits the reply)', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    await expect(
      answerEphemeral(interaction.asAny, () => failAfter(120, new Error('Kaltura down')), 30),
    ).rejects.toThrow('Kaltura down');
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply']);
    expect(interaction.deferred).toBe(true);
  });

  it('does not leave a rejection unhandled when the deferral itself fails', async () => {
    const interaction = new StubInteraction('command', vic, 'kaltura-join');
    interaction.failNext.set('deferReply', new Error('Unknown interaction'));
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        answerEphemeral(interaction.asAny, () => failAfter(60, new Error('later')), 10),
      ).rejects.toThrow('Unknown interaction');
      await after(100, null);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
