import { Status } from 'discord.js';
import { ShardView, shardStates } from './discord.metrics';

const view = (options: ShardView['options'], connected: Array<[number, Status]> = []): ShardView => ({
  options,
  ws: { shards: new Map(connected.map(([id, status]) => [id, { status }])) },
});

describe('shardStates (kd_discord_shard_up)', () => {
  it('reports the configured shards, up only when READY', () => {
    const states = shardStates(
      view({ shards: [2, 3], shardCount: 4 }, [
        [2, Status.Ready],
        [3, Status.Reconnecting],
      ]),
      [2, 3],
    );
    expect([...states]).toEqual([
      [2, true],
      [3, false],
    ]);
  });

  it('reports configured shards as down before the first login', () => {
    expect([...shardStates(view({ shardCount: 4 }), [0, 1])]).toEqual([
      [0, false],
      [1, false],
    ]);
  });

  it('takes the ids discord.js settled on when none are configured', () => {
    expect([...shardStates(view({ shards: [0, 1], shardCount: 2 }, [[0, Status.Ready]]), undefined)]).toEqual(
      [
        [0, true],
        [1, false],
      ],
    );
  });

  it('reports every shard of the count as down when nothing is known yet', () => {
    expect([...shardStates(view({ shards: 'auto', shardCount: 1 }), undefined)]).toEqual([[0, false]]);
  });
});
