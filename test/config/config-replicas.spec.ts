import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CONFIG_EVENTS, ConfigChangedEvent } from '../../src/modules/config';
import { ConfigCache } from '../../src/modules/config/config-cache';
import { ConfigInvalidationBus } from '../../src/modules/config/config-invalidation.bus';
import { ConfigStore } from '../../src/modules/config/config-store.port';
import { bootTestApp, TestApp } from '../support/app';
import { describeWithRedis, redisUrlForDb } from '../support/redis';
import { REDIS_DBS } from '../support/redis-dbs';
import { adminApi, eventually, guildId, makeConfigDir } from './support';

const REDIS_DB = REDIS_DBS.configReplicas;

/**
 * Two replicas of the service on one Redis and one shared store (a shared override directory). Their file
 * watchers are stopped, and the cache TTL is a minute: the only way a write on one replica can reach the
 * other within a second is the `config.changed` event on the cluster bus (Redis streams).
 */
describeWithRedis('cross-replica invalidation (two app instances, one Redis)', () => {
  const dir = makeConfigDir();
  let a: TestApp;
  let b: TestApp;
  const remote: ConfigChangedEvent[] = [];
  const get = async (t: TestApp, g: string) =>
    (await adminApi(t.app).get(`/api/v1/guilds/${g}/config`).expect(200)).body;

  beforeAll(async () => {
    const env = { CONFIG_DIR: dir.dir, REDIS_URL: redisUrlForDb(REDIS_DB) };
    [a, b] = [await bootTestApp(env), await bootTestApp(env)];
    for (const t of [a, b]) {
      await t.app.get(ConfigStore).close(); // no file watching: only the bus may carry the change
      await t.app.get(ConfigInvalidationBus).whenSubscribed();
    }
    b.app.get(EventEmitter2).on(CONFIG_EVENTS.changed, (e: ConfigChangedEvent) => remote.push(e));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    dir.cleanup();
  });

  it('without a message, a replica keeps serving its cached copy (so the next test can fail)', async () => {
    const g = guildId();
    expect((await get(b, g)).config.commands.enabled).toBe(true); // cached on b
    writeFileSync(join(dir.overrides, `${g}.json`), JSON.stringify({ commands: { enabled: false } }));
    // Nothing expires the copy within the next test's one-second window (the TTL is a minute)…
    expect(b.app.get(ConfigCache).ttlMs).toBeGreaterThan(1_000);
    // …and a later change, of another guild, travels the bus to b: b handled messages after the write, and
    // still serves its copy of the guild no message was about.
    const later = guildId();
    await adminApi(a.app)
      .patch(`/api/v1/guilds/${later}/config`)
      .send({ commands: { enabled: false } })
      .expect(200);
    await eventually(
      () => expect(remote.map((e) => e.guildId)).toContain(later),
      5_000,
      'the later change on b',
    );
    expect((await get(b, g)).config.commands.enabled).toBe(true);
  });

  it('a change written on one replica is served by the other within a second', async () => {
    const g = guildId();
    expect((await get(b, g)).config.roles.mapping).toEqual({}); // cached on b
    expect((await get(a, g)).config.roles.mapping).toEqual({});

    await adminApi(a.app)
      .patch(`/api/v1/guilds/${g}/config`)
      .send({ roles: { mapping: { Teachers: 'admin' } } })
      .expect(200);
    await eventually(
      async () => expect((await get(b, g)).config.roles.mapping).toEqual({ Teachers: 'admin' }),
      1_000,
    );
    expect(remote).toContainEqual({ guildId: g, source: 'remote', keys: ['roles.mapping.Teachers'] });

    // And back the other way, a reset on b reaching a.
    await adminApi(b.app).delete(`/api/v1/guilds/${g}/config`).expect(200);
    await eventually(async () => expect((await get(a, g)).config.roles.mapping).toEqual({}), 1_000);
  });

  it('concurrent writes to different keys on the two replicas all survive', async () => {
    const g = guildId();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        adminApi((i % 2 ? a : b).app)
          .patch(`/api/v1/guilds/${g}/config`)
          .send({ roles: { mapping: { [`Role ${i}`]: 'viewer' } } })
          .expect(200),
      ),
    );
    const expected = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`Role ${i}`, 'viewer']));
    await eventually(async () => {
      expect((await get(a, g)).config.roles.mapping).toEqual(expected);
      expect((await get(b, g)).config.roles.mapping).toEqual(expected);
    }, 1_000);
  });
});
