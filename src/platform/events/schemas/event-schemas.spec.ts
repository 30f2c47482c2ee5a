import { EventEmitter2 } from '@nestjs/event-emitter';
import { InProcessEventBus } from '../in-process-event-bus';
import { EVENT_TYPES, eventJsonSchema, eventProblems } from './event-schemas';

describe('event catalogue', () => {
  it('has one entry per type and version, each with a JSON Schema of the whole envelope', () => {
    const keys = EVENT_TYPES.map((s) => `${s.type}@${s.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const spec of EVENT_TYPES) {
      const schema = eventJsonSchema(spec) as { properties: Record<string, unknown>; required: string[] };
      expect(schema.required).toEqual(
        expect.arrayContaining(['id', 'type', 'version', 'guildId', 'occurredAt', 'audience', 'data']),
      );
      expect(schema.properties.type).toEqual({ type: 'string', const: spec.type });
    }
  });

  it('accepts a stamped event and names what is wrong with a bad one', async () => {
    const bus = new InProcessEventBus(new EventEmitter2());
    const ok = await bus.publish({
      type: 'config.changed',
      version: 1,
      guildId: '100000000000000001',
      audience: 'admin',
      data: { version: '3', keys: ['commands.enabled'] },
    });
    expect(eventProblems(ok)).toEqual([]);
    expect(eventProblems({ ...ok, version: 9 })).toEqual(['unknown event type config.changed v9']);
    expect(eventProblems({ ...ok, data: { version: 3, keys: [], joinUrl: 'x' } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^data.version/), expect.stringMatching(/joinUrl/)]),
    );
    expect(eventProblems({ ...ok, audience: 'viewer' })).toEqual([expect.stringMatching(/^audience/)]);
  });
});
