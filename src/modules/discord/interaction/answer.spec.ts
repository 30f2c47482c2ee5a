import { MessageFlags } from 'discord.js';
import { StubInteraction } from '../../../../test/discord/support/interaction-stubs';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ANSWER_CONCURRENCY, BEHIND_AFTER_CREATION_MS, answerEphemeral } from './answer';
import { InteractionClock, InteractionDeadlineGuard, InteractionExpiredError } from './interaction-deadline';

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
    interaction.createdTimestamp = Date.now() - 1_500;
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

  describe('taking turns', () => {
    /** Work that finishes when the test says so. */
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      return { open, work: async () => (await opened, { content: 'link' }) };
    };
    const fresh = () => new StubInteraction('command', vic, 'kaltura-join');

    it(`works on at most ${ANSWER_CONCURRENCY} answers at once; the next starts when one is acknowledged`, async () => {
      const g = gate();
      const first = Array.from({ length: ANSWER_CONCURRENCY }, () => answerEphemeral(fresh().asAny, g.work));
      let started = false;
      const next = answerEphemeral(fresh().asAny, async () => {
        started = true;
        return { content: 'link' };
      });
      await after(30, null);
      expect(started).toBe(false);
      g.open();
      await expect(next).resolves.toBe('replied');
      expect(started).toBe(true);
      await Promise.all(first);
    });

    it('drops one that expired while waiting in line, without working on it or answering', async () => {
      const g = gate();
      const first = Array.from({ length: ANSWER_CONCURRENCY }, () => answerEphemeral(fresh().asAny, g.work));
      const waiting = fresh();
      waiting.createdTimestamp = Date.now() - 2_400; // arrives just in time, then waits 150 ms in line
      let worked = false;
      const answer = answerEphemeral(waiting.asAny, async () => {
        worked = true;
        return { content: 'link' };
      });
      await after(150, null);
      g.open();
      await expect(answer).rejects.toBeInstanceOf(InteractionExpiredError);
      expect(worked).toBe(false);
      expect(waiting.calls).toEqual([]);
      await Promise.all(first);
    });

    it('leaves the line once deferred: slow work after a deferral does not hold the others', async () => {
      const slow = gate();
      const deferred = Array.from({ length: ANSWER_CONCURRENCY }, () => {
        const behind = fresh();
        behind.createdTimestamp = Date.now() - 1_200;
        return answerEphemeral(behind.asAny, slow.work);
      });
      await expect(answerEphemeral(fresh().asAny, async () => ({ content: 'quick' }))).resolves.toBe(
        'replied',
      );
      slow.open();
      await expect(Promise.all(deferred)).resolves.toEqual(Array(ANSWER_CONCURRENCY).fill('deferred'));
    });
  });

  it("measures age by the deadline guard's skew-corrected clock once the guard has seen the interaction", async () => {
    const guard = new InteractionDeadlineGuard(new InteractionClock());
    const host = (target: unknown) => {
      const h = new ExecutionContextHost([[target], {}]);
      h.setType('necord');
      return h;
    };
    // Our clock runs 4 s ahead of Discord's: every interaction looks 4 s old by its snowflake.
    const first = fresh4sAhead();
    guard.canActivate(host(first));
    const second = fresh4sAhead();
    guard.canActivate(host(second));
    await expect(answerEphemeral(second.asAny, async () => ({ content: 'link' }))).resolves.toBe('replied');
    expect(second.calls.map((c) => c.method)).toEqual(['reply']);

    function fresh4sAhead() {
      const interaction = new StubInteraction('command', vic, 'kaltura-join');
      interaction.createdTimestamp = Date.now() - 4_000;
      return interaction;
    }
  });
});
