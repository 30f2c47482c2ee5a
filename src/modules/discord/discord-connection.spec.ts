import { ConsoleLogger, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Client } from 'discord.js';
import { DiscordConnection, LoginClock } from './discord-connection';

/** A client whose REST probe fails `failures` times (with `error`), then lets the login through. */
function stubClient(failures: number, error: unknown) {
  const client = Object.assign(new EventEmitter(), {
    probes: 0,
    logins: 0,
    rest: {
      setToken: () => undefined,
      get: async () => {
        client.probes += 1;
        if (client.probes <= failures) throw error;
        return { url: 'wss://gateway' };
      },
    },
    connect: async () => {
      client.logins += 1;
      client.emit('clientReady');
      return 'token';
    },
  });
  return client;
}

/** Records the waits instead of sleeping. */
class RecordingClock extends LoginClock {
  readonly waits: number[] = [];
  override sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    return Promise.resolve();
  }
}

describe('DiscordConnection', () => {
  const logged: string[] = [];
  beforeAll(() =>
    Logger.overrideLogger({
      log: (_f: unknown, m: string) => logged.push(`info ${m}`),
      warn: (_f: unknown, m: string) => logged.push(`warn ${m}`),
      error: (_f: unknown, m: string) => logged.push(`error ${m}`),
    }),
  );
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  beforeEach(() => (logged.length = 0));

  it('retries with growing waits, one line per state, until connected', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const client = stubClient(4, refused);
    const clock = new RecordingClock();
    const connection = new DiscordConnection(client as unknown as Client, 'secret-token', clock);
    connection.onApplicationBootstrap();
    await connection.settled();
    expect(connection.state).toBe('ready');
    expect(client.logins).toBe(1);
    // 1 s, 2 s, 4 s, 8 s ceilings, each jittered over its upper half.
    expect(clock.waits).toHaveLength(4);
    clock.waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(500 * 2 ** i);
      expect(w).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    expect(logged.filter((l) => l.startsWith('warn'))).toHaveLength(4);
    expect(logged[1]).toMatch(/^warn Discord gateway: login failed; retrying in \d+ s$/);
    expect(logged.at(-1)).toBe('info Discord gateway: connected');
    expect(connection.details()).toMatchObject({ state: 'ready', attempts: 5 });
    expect(JSON.stringify(logged)).not.toContain('secret-token');
  });

  it('gives up when Discord refuses the token (401): no retry can fix it', async () => {
    const client = stubClient(Infinity, Object.assign(new Error('401: Unauthorized'), { status: 401 }));
    const clock = new RecordingClock();
    const connection = new DiscordConnection(client as unknown as Client, 'bad', clock);
    connection.onApplicationBootstrap();
    await connection.settled();
    expect(connection.state).toBe('given-up');
    expect(client.probes).toBe(1);
    expect(clock.waits).toEqual([]);
    expect(logged.at(-1)).toMatch(/^error Discord gateway: Discord refused DISCORD_TOKEN; giving up/);
  });
});
