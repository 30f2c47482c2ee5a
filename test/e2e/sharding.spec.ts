import { ChildProcess, spawn } from 'node:child_process';
import { eventually } from '../support/eventually';
import { BUILT_MAIN, freePort } from '../support/process';
import { FakeDiscord, fakeSnowflake, snowflakeForShard } from '../fakes/discord';

interface Replica {
  child: ChildProcess;
  port: number;
  output: () => string;
}

async function startReplica(fake: FakeDiscord, shard: number): Promise<Replica> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_SHARD_IDS: String(shard),
      DISCORD_SHARD_COUNT: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, port, output: () => out };
}

async function waitReady(r: Replica, ms = 20_000): Promise<void> {
  // The gateway is reported, not required, by readiness: wait for it to be up as well.
  const ready = () =>
    fetch(`http://127.0.0.1:${r.port}/health/ready`)
      .then(async (res) => {
        const body = (await res.json()) as { details?: { discord?: { status?: string } } };
        return res.status === 200 && body.details?.discord?.status === 'up';
      })
      .catch(() => false);
  await eventually(ready, ms, `replica on ${r.port} ready`, 200).catch((err: Error) => {
    throw new Error(`${err.message}:\n${r.output().slice(-2000)}`);
  });
}

async function stop(r: Replica): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  const exited = new Promise<number | null>((res) => r.child.once('exit', (code) => res(code)));
  r.child.kill('SIGTERM');
  return exited;
}

const metric = async (r: Replica, pattern: RegExp) => {
  const text = await (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
};

/**
 * Two replicas of the built service, each running one of two Discord shards (as the StatefulSet in deploy/k8s
 * does): each handles only its own guilds' interactions, exactly once, and both serve HTTP.
 */
describe('gateway sharding across two replicas', () => {
  const guildA = snowflakeForShard(0, 2);
  const guildB = snowflakeForShard(1, 2);
  const [channelA, channelB, alice, bob] = [
    fakeSnowflake(),
    fakeSnowflake(),
    fakeSnowflake(),
    fakeSnowflake(),
  ];
  const fake = new FakeDiscord({
    heartbeatIntervalMs: 1000,
    recommendedShards: 2,
    guilds: [
      {
        id: guildA,
        name: 'A',
        channels: [{ id: channelA, name: 'a' }],
        members: [{ userId: alice, username: 'alice' }],
      },
      {
        id: guildB,
        name: 'B',
        channels: [{ id: channelB, name: 'b' }],
        members: [{ userId: bob, username: 'bob' }],
      },
    ],
  });
  let replicas: Replica[] = [];

  beforeAll(async () => {
    await fake.start();
    replicas = [await startReplica(fake, 0), await startReplica(fake, 1)];
    await Promise.all(replicas.map((r) => waitReady(r)));
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all(replicas.map(stop));
    await fake.stop();
    expect(codes).toEqual([0, 0]);
  });

  it('connects each replica with only its own shard', () => {
    const shards = fake
      .sessions()
      .map((s) => s.shard)
      .sort();
    expect(shards).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it("reports each replica's own shard as connected, and the shard count (KdDiscordShardsNotCovered)", async () => {
    const text = async (r: Replica) => (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
    const [zero, one] = await Promise.all(replicas.map(text));
    expect(zero).toMatch(/^kd_discord_shard_up\{shard="0"\} 1$/m);
    expect(zero).not.toMatch(/kd_discord_shard_up\{shard="1"\}/);
    expect(one).toMatch(/^kd_discord_shard_up\{shard="1"\} 1$/m);
    for (const exposition of [zero, one]) expect(exposition).toMatch(/^kd_discord_shard_count 2$/m);
  });

  it('registers the commands once, from the replica that runs shard 0', () => {
    const puts = fake.findCalls((c) => c.method === 'PUT' && /\/applications\/\d+\/commands$/.test(c.path));
    expect(puts).toHaveLength(1);
  });

  it('handles every interaction exactly once, on the replica owning its guild', async () => {
    const a = fake.sendSlashCommand({
      guildId: guildA,
      channelId: channelA,
      userId: alice,
      name: 'kaltura-help',
    });
    const b = fake.sendSlashCommand({
      guildId: guildB,
      channelId: channelB,
      userId: bob,
      name: 'kaltura-help',
    });
    await Promise.all([a.waitForCallback(10_000), b.waitForCallback(10_000)]);
    expect([a.shardId, b.shardId]).toEqual([0, 1]);
    for (const h of [a, b]) {
      const callbacks = fake.findCalls(
        (c) => c.method === 'POST' && c.path.includes(`/interactions/${h.id}/`),
      );
      expect(callbacks).toHaveLength(1);
    }
    const helpOk = /kd_commands_total\{kind="command",command="kaltura-help",outcome="ok"\} (\d+)/;
    // The counter moves when the handler finishes, a little after the acknowledgement.
    let counts = [0, 0];
    await eventually(
      async () => {
        counts = await Promise.all(replicas.map((r) => metric(r, helpOk)));
        return counts[0] === 1 && counts[1] === 1;
      },
      5_000,
      'both replicas to count their command',
    ).catch(() => undefined);
    expect(counts).toEqual([1, 1]);
  });

  it('serves HTTP and webhook routes on either replica', async () => {
    for (const r of replicas) {
      const res = await fetch(`http://127.0.0.1:${r.port}/api/v1/guilds/${guildA}/meetings`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      const hook = await fetch(`http://127.0.0.1:${r.port}/api/v1/webhooks/kaltura`, {
        method: 'POST',
        body: '{}',
      });
      expect(hook.status).toBe(401); // unsigned: refused, but served
    }
  });
});
