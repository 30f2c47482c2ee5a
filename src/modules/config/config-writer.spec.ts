import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, TestingModule } from '@nestjs/testing';
import { ValidationFailedError } from '../../platform/errors';
import { SettingsModule, loadSettings } from '../../platform/settings';
import { CONFIG_AUDIT_LIMITS, ConfigAuditLog, ConfigStore } from './config-store.port';
import { auditValue, ConfigWriter } from './config-writer';
import type { ConfigActor, ConfigAuditEntry, JsonObject } from './config.types';
import { GuildConfigModule } from './config.module';
import { PATCH_LIMITS } from './domain/patch-limits';
import { GuildConfigService } from './guild-config.service';
import { MemoryConfigAuditLog, MemoryConfigStore } from './persistence/memory-config.store';

const ADA: ConfigActor = { kind: 'api', id: '111111111111111111', name: 'Ada' };
let n = 0;
const guild = () => `${310000000000000000n + BigInt(n++)}`;

describe('ConfigWriter: stores exactly what was validated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-config-writer-'));
  copyFileSync(
    join(__dirname, '..', '..', '..', 'config', 'default_config.json'),
    join(dir, 'default_config.json'),
  );
  let moduleRef: TestingModule;
  let store: MemoryConfigStore;
  let service: GuildConfigService;
  let writer: ConfigWriter;
  let audit: ConfigAuditLog;

  beforeAll(async () => {
    store = new MemoryConfigStore();
    moduleRef = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(loadSettings({ CONFIG_DIR: dir, NODE_ENV: 'test' })),
        EventEmitterModule.forRoot(),
        GuildConfigModule,
      ],
    })
      .overrideProvider(ConfigStore)
      .useValue(store)
      .compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    service = moduleRef.get(GuildConfigService);
    writer = moduleRef.get(ConfigWriter);
    audit = moduleRef.get(ConfigAuditLog);
  });
  afterAll(async () => {
    await moduleRef.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Asserts `patch` is refused as a 400 naming `field`, and that nothing was stored or audited. */
  async function refused(patch: unknown, field: string): Promise<void> {
    const g = guild();
    const error = await service.update(g, patch, ADA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).status).toBe(400);
    expect((error as ValidationFailedError).errors.map((e) => e.field)).toContain(field);
    expect(await store.load(g)).toBeNull();
    expect(await audit.list(g, 10)).toEqual([]);
    expect((await service.view(g)).override).toEqual({});
  }

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere in a patch', async (key) => {
    await refused(JSON.parse(`{"roles":{"mapping":{"${key}":"admin"}}}`), `roles.mapping.${key}`);
    await refused(
      JSON.parse(`{"roles":{"mapping":{"${key}":{"polluted":"admin"}}}}`),
      `roles.mapping.${key}`,
    );
    await refused(JSON.parse(`{"${key}":{"notifications":{"enabled":false}}}`), key);
    await refused(
      JSON.parse(`{"commands":{"permissions":{"${key}":["@everyone"]}}}`),
      `commands.permissions.${key}`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a merge patch nested 5,000 levels deep with a 400, not a stack overflow', async () => {
    const deep = JSON.parse(`{"notifications":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}`) as unknown;
    await refused(
      deep,
      `notifications.${Array(PATCH_LIMITS.maxDepth - 1)
        .fill('a')
        .join('.')}`,
    );
  });

  it('refuses a patch over 64 KiB with a 400', async () => {
    await refused(
      { notifications: { templates: { meeting_end: 'x'.repeat(PATCH_LIMITS.maxBytes) } } },
      '(body)',
    );
  });

  it('checks what a change function returns too, whatever its caller', async () => {
    const g = guild();
    const hostile = JSON.parse('{"roles":{"mapping":{"__proto__":"admin"}}}') as JsonObject;
    await expect(writer.write(g, ADA, 'update', () => hostile)).rejects.toBeInstanceOf(ValidationFailedError);
    expect(await store.load(g)).toBeNull();
  });

  it('saves the schema output, not the object it was handed', async () => {
    const g = guild();
    const save = jest.spyOn(store, 'save');
    const given = { roles: { mapping: { Teachers: 'admin' } } } as JsonObject;
    await writer.write(g, ADA, 'update', () => given);
    const saved = save.mock.calls.find(([id]) => id === g)?.[1];
    expect(saved).toEqual(given);
    expect(saved).not.toBe(given);
    expect((saved as { roles: unknown }).roles).not.toBe(given.roles);
    save.mockRestore();
  });

  it('keeps large values out of the audit, recording their size instead', () => {
    expect(auditValue('short')).toBe('short');
    const long = 'x'.repeat(CONFIG_AUDIT_LIMITS.valueChars);
    expect(auditValue(long)).toBe(`(${long.length + 2} characters of JSON, not kept in the audit)`);
  });
});

describe('MemoryConfigAuditLog', () => {
  it(`keeps at most ${CONFIG_AUDIT_LIMITS.perGuild} entries per guild, dropping the oldest`, async () => {
    const log = new MemoryConfigAuditLog();
    const g = guild();
    const entry = (i: number): ConfigAuditEntry => ({
      id: `e${i}`,
      guildId: g,
      at: new Date(i),
      actor: ADA,
      action: 'update',
      keys: [],
      changes: [],
    });
    for (let i = 0; i < CONFIG_AUDIT_LIMITS.perGuild + 5; i++) await log.record(entry(i));
    const kept = await log.list(g, CONFIG_AUDIT_LIMITS.perGuild + 5);
    expect(kept).toHaveLength(CONFIG_AUDIT_LIMITS.perGuild);
    expect(kept[0].id).toBe(`e${CONFIG_AUDIT_LIMITS.perGuild + 4}`);
    expect(kept.at(-1)?.id).toBe('e5');
  });
});
