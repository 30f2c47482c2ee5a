import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Test, TestingModule } from '@nestjs/testing';
import { createCache } from 'cache-manager';
import { ValidationFailedError } from '../../platform/errors';
import { SettingsModule, loadSettings } from '../../platform/settings';
import { ConfigAuditLog, ConfigStore } from './config-store.port';
import { CONFIG_OPTIONS, ConfigModuleOptions, DEFAULT_CONFIG_OPTIONS } from './config.options';
import { ConfigUnavailableError } from './config.errors';
import { CONFIG_EVENTS, ConfigActor, ConfigChangedEvent, GuildConfig } from './config.types';
import { GuildConfigModule } from './config.module';
import { ChannelAccess, UnverifiedChannelAccess, type ChannelVerdict } from '../channels';
import { ConfigCache } from './config-cache';
import { GuildConfigService, channelRefsIn } from './guild-config.service';
import { MemoryConfigStore } from './persistence/memory-config.store';

const ADA: ConfigActor = { kind: 'discord', id: '111111111111111111', name: 'Ada' };
let next = 0;
const guild = () => `${300000000000000000n + BigInt(next++)}`;

describe('GuildConfigService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-config-svc-'));
  copyFileSync(
    join(__dirname, '..', '..', '..', 'config', 'default_config.json'),
    join(dir, 'default_config.json'),
  );
  const modules: TestingModule[] = [];

  /**
   * Moves the clock both cache layers read (`Date.now`: the config cache's and the in-memory shared store's)
   * `ms` ahead, so a TTL passes without waiting for it.
   */
  const realNow = Date.now.bind(Date);
  let clockOffset = 0;
  const advanceClock = (ms: number) => {
    clockOffset += ms;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + clockOffset);
  };
  afterEach(() => {
    clockOffset = 0;
    jest.restoreAllMocks();
  });

  async function boot(
    store: ConfigStore,
    options: Partial<ConfigModuleOptions> = {},
    channels: ChannelAccess = new UnverifiedChannelAccess(),
  ) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(loadSettings({ CONFIG_DIR: dir, NODE_ENV: 'test' })),
        EventEmitterModule.forRoot(),
        GuildConfigModule,
      ],
    })
      .overrideProvider(CONFIG_OPTIONS)
      .useValue({ ...DEFAULT_CONFIG_OPTIONS, ...options })
      .overrideProvider(ConfigStore)
      .useValue(store)
      .overrideProvider(ChannelAccess)
      .useValue(channels)
      // The same cache the module builds, reading `Date.now` on each call so that `advanceClock` reaches it.
      .overrideProvider(ConfigCache)
      .useFactory({
        inject: [CONFIG_OPTIONS],
        factory: (o: ConfigModuleOptions) => new ConfigCache(createCache(), o.cacheTtlMs, () => Date.now()),
      })
      .compile();
    Logger.overrideLogger(false); // compile() installs its own logger; these tests log errors on purpose
    await moduleRef.init();
    modules.push(moduleRef);
    return {
      service: moduleRef.get(GuildConfigService),
      audit: moduleRef.get(ConfigAuditLog),
      events: moduleRef.get(EventEmitter2),
    };
  }

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('channels', () => {
    const FOREIGN = '999999999999999999';
    /** Refuses FOREIGN (another guild's channel); every other channel is usable. */
    class Channels extends ChannelAccess {
      readonly verifies = true;
      async check(_guildId: string, ref: string): Promise<ChannelVerdict> {
        return ref === FOREIGN
          ? { ok: false, channelId: ref, reason: 'other_guild', message: 'x' }
          : { ok: true, channelId: ref, verified: true };
      }
      forget(): void {}
    }

    it('lists the channel values a patch sets, leaving malformed ones to the schema', () => {
      expect(
        channelRefsIn({
          notifications: {
            channels: { default: 'meetings', meeting_end: FOREIGN, user_join: null, x: '#bad' },
          },
        }),
      ).toEqual([
        { field: 'notifications.channels.default', ref: 'meetings' },
        { field: 'notifications.channels.meeting_end', ref: FOREIGN },
      ]);
      expect(channelRefsIn({ roles: { mapping: {} } })).toEqual([]);
    });

    it('refuses a patch routing notifications to a channel that is not usable in the guild; nothing stored', async () => {
      const store = new MemoryConfigStore();
      const { service, audit } = await boot(store, {}, new Channels());
      const id = guild();
      await expect(
        service.update(id, { notifications: { channels: { default: FOREIGN } } }, ADA),
      ).rejects.toMatchObject({
        code: 'CHANNEL_NOT_USABLE',
        status: 400,
        message: expect.stringContaining(FOREIGN),
      });
      expect(await store.load(id)).toBeNull();
      expect(await audit.list(id, 10)).toEqual([]);
      await expect(
        service.update(id, { notifications: { channels: { default: '222222222222222222' } } }, ADA),
      ).resolves.toMatchObject({ written: true });
    });
  });

  describe('reading', () => {
    it('deep-merges the override into the defaults: nested maps merged, arrays replaced', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store);
      const g = guild();
      await store.save(
        g,
        {
          notifications: { types: { user_join: true }, channels: { recording_ready: 'recordings' } },
          commands: { permissions: { 'kaltura-start': ['Teachers'] } },
        },
        null,
      );
      const config = await service.get(g);
      const defaults = service.defaults();
      expect(config.notifications.types).toEqual({ ...defaults.notifications.types, user_join: true });
      expect(config.notifications.channels).toEqual({ default: null, recording_ready: 'recordings' });
      expect(config.notifications.templates).toEqual(defaults.notifications.templates);
      expect(config.commands.permissions['kaltura-start']).toEqual(['Teachers']);
      expect(config.commands.permissions['kaltura-join']).toEqual(['@everyone']);
    });

    it('hands out frozen configs, so no caller can change what another one reads', async () => {
      const { service } = await boot(new MemoryConfigStore());
      const config = await service.get(guild());
      expect(() => {
        (config as { features: Record<string, boolean> }).features.scheduledEvents = true;
      }).toThrow(TypeError);
    });

    it('answers defaults for ids that cannot be guilds, without touching the store', async () => {
      const store = new MemoryConfigStore();
      const load = jest.spyOn(store, 'load');
      const { service } = await boot(store);
      expect(await service.get('not-a-snowflake')).toEqual(service.defaults());
      expect(load).not.toHaveBeenCalled();
    });

    it('reads the store once for many simultaneous lookups of a cold guild, then serves from cache', async () => {
      const store = new MemoryConfigStore();
      const load = jest.spyOn(store, 'load');
      const { service } = await boot(store);
      const g = guild();
      await Promise.all(Array.from({ length: 20 }, () => service.get(g)));
      await service.get(g);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('expires cached configs after the TTL: a change made behind its back shows up then, not before', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store, { cacheTtlMs: 300 });
      const g = guild();
      expect((await service.get(g)).notifications.enabled).toBe(true);
      await store.save(g, { notifications: { enabled: false } }, null); // not through the service
      expect((await service.get(g)).notifications.enabled).toBe(true);
      advanceClock(200);
      expect((await service.get(g)).notifications.enabled).toBe(true);
      advanceClock(200);
      expect((await service.get(g)).notifications.enabled).toBe(false);
    });
  });

  describe('bad stored overrides', () => {
    it('runs a guild whose override is not JSON on the defaults, and reports why', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store);
      const g = guild();
      store.putRaw(g, '{"notifications": {');
      expect(await service.get(g)).toEqual(service.defaults());
      expect(service.problems(g)).toEqual([
        expect.objectContaining({ guildId: g, kind: 'unreadable', using: 'defaults' }),
      ]);
    });

    it('keeps the last good config when a valid override turns invalid, and recovers on a good write', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store, { cacheTtlMs: 50 });
      const g = guild();
      await service.update(g, { features: { scheduledEvents: true } }, ADA);
      store.putRaw(g, JSON.stringify({ features: { scheduledEvents: 'yes' }, colour: 1 }));
      advanceClock(80);
      expect((await service.get(g)).features.scheduledEvents).toBe(true);
      const [problem] = service.problems(g);
      expect(problem).toMatchObject({ kind: 'invalid', using: 'last-good' });
      expect(problem.errors.map((e) => e.field).sort()).toEqual(['colour', 'features.scheduledEvents']);
      const view = await service.view(g);
      expect(view.problems).toHaveLength(1);

      // An admin's next change replaces the bad override (starting from the last good one).
      await service.update(g, { notifications: { enabled: false } }, ADA);
      expect(service.problems(g)).toEqual([]);
      const config = await service.get(g);
      expect([config.features.scheduledEvents, config.notifications.enabled]).toEqual([true, false]);
    });

    it('serves its last copy while the store is down, and refuses (503) only without one', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store, { cacheTtlMs: 20 });
      const [known, unknown] = [guild(), guild()];
      await service.update(known, { notifications: { enabled: false } }, ADA);
      jest.spyOn(store, 'load').mockRejectedValue(new Error('connection refused'));
      advanceClock(40);
      expect((await service.get(known)).notifications.enabled).toBe(false);
      await expect(service.get(unknown)).rejects.toBeInstanceOf(ConfigUnavailableError);
      await expect(service.update(known, { commands: { enabled: false } }, ADA)).rejects.toBeInstanceOf(
        ConfigUnavailableError,
      );
    });
  });

  describe('writing', () => {
    it('keeps every one of many concurrent updates to different keys of one guild', async () => {
      const store = new MemoryConfigStore();
      const { service } = await boot(store);
      const g = guild();
      const roles = Array.from({ length: 10 }, (_, i) => `Role ${i}`);
      await Promise.all([
        ...roles.map((r) => service.update(g, { roles: { mapping: { [r]: 'moderator' } } }, ADA)),
        service.update(g, { notifications: { types: { user_join: true } } }, ADA),
      ]);
      const config = await service.get(g);
      expect(Object.keys(config.roles.mapping).sort()).toEqual(roles.sort());
      expect(config.notifications.types.user_join).toBe(true);
    });

    it('keeps concurrent updates from two service instances (two replicas) sharing one store', async () => {
      const store = new MemoryConfigStore();
      const [a, b] = [await boot(store), await boot(store)];
      const g = guild();
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? a : b).service.update(g, { roles: { mapping: { [`R${i}`]: 'viewer' } } }, ADA),
        ),
      );
      const stored = (await store.load(g))?.data as GuildConfig;
      expect(Object.keys(stored.roles.mapping).sort()).toEqual(['R0', 'R1', 'R2', 'R3', 'R4', 'R5']);
    });

    it('writes nothing when a change breaks a rule, and names every bad key', async () => {
      const store = new MemoryConfigStore();
      const save = jest.spyOn(store, 'save');
      const { service, audit } = await boot(store);
      const g = guild();
      const error = await service
        .update(g, { notifications: { enabled: 'no', templates: { user_join: '{{nope}}' } } }, ADA)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).errors.map((e) => e.field)).toEqual([
        'notifications.enabled',
        'notifications.templates.user_join',
      ]);
      expect(save).not.toHaveBeenCalled();
      expect(await audit.list(g, 10)).toEqual([]);
    });

    it('audits who changed which keys from what to what, and emits config.changed', async () => {
      const { service, audit, events } = await boot(new MemoryConfigStore());
      const seen: ConfigChangedEvent[] = [];
      events.on(CONFIG_EVENTS.changed, (e: ConfigChangedEvent) => seen.push(e));
      const g = guild();
      const result = await service.update(g, { roles: { mapping: { Mods: 'moderator' } } }, ADA);
      expect(result.changes).toEqual([{ key: 'roles.mapping.Mods', old: null, new: 'moderator' }]);
      const [entry] = await audit.list(g, 10);
      expect(entry).toMatchObject({ guildId: g, actor: ADA, action: 'update', keys: ['roles.mapping.Mods'] });
      expect(Object.prototype.toString.call(entry.at)).toBe('[object Date]');
      expect(seen).toEqual([{ guildId: g, source: 'update', keys: ['roles.mapping.Mods'] }]);
    });

    it('does not write or audit a change that is already in effect', async () => {
      const store = new MemoryConfigStore();
      const save = jest.spyOn(store, 'save');
      const { service, audit } = await boot(store);
      const g = guild();
      const result = await service.update(g, { notifications: { enabled: true } }, ADA); // the default
      expect(result).toMatchObject({ written: false, changes: [] });
      expect(save).not.toHaveBeenCalled();
      expect(await audit.list(g, 10)).toEqual([]);
    });

    it('resets one section or everything, and refuses unknown sections', async () => {
      const { service } = await boot(new MemoryConfigStore());
      const g = guild();
      await service.update(
        g,
        { notifications: { enabled: false }, features: { scheduledEvents: true } },
        ADA,
      );
      await service.reset(g, 'features', ADA);
      expect((await service.view(g)).override).toEqual({ notifications: { enabled: false } });
      await service.reset(g, 'all', ADA);
      expect((await service.view(g)).override).toEqual({});
      await expect(service.reset(g, 'everything' as never, ADA)).rejects.toBeInstanceOf(
        ValidationFailedError,
      );
    });

    it('refuses patches that are not objects and guild ids that are not snowflakes', async () => {
      const { service } = await boot(new MemoryConfigStore());
      await expect(service.update(guild(), ['x'], ADA)).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(service.update(guild(), null, ADA)).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(service.update('../x', {}, ADA)).rejects.toBeInstanceOf(ValidationFailedError);
    });
  });
});
