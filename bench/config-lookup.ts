/**
 * Effective-config lookup latency: `GuildConfigService.get(guildId)` served from the cache (the hot path every
 * command and notification takes), from the shared Redis cache (a replica that has not read the guild yet;
 * only with REDIS_URL), and cold (read the override file, validate, merge, cache).
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/config-lookup.js
 *   REDIS_URL=redis://127.0.0.1:6379/14 node dist-bench/bench/config-lookup.js   # adds the shared-cache row
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { GuildConfigModule, GuildConfigService } from '../src/modules/config';
import { ConfigCache } from '../src/modules/config/config-cache';
import { AppCacheModule } from '../src/platform/cache';
import { SettingsModule, loadSettings } from '../src/platform/settings';
import { BenchRow, msSince, report, summarize } from './lib/report';

const GUILDS = Number(process.env.BENCH_GUILDS ?? 2_000);
const CACHED_LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 50_000);

function override(i: number) {
  return {
    notifications: {
      types: { user_join: i % 2 === 0 },
      templates: { meeting_end: `Guild ${i}: {{meeting.title}} ended.` },
    },
    roles: { mapping: { [`Role ${i}`]: 'moderator', [`${700000000000000000n + BigInt(i)}`]: 'admin' } },
    commands: { permissions: { 'kaltura-start': ['Hosts', `Team ${i}`] } },
  };
}

async function boot(dir: string, redisUrl?: string) {
  const settings = loadSettings({
    CONFIG_DIR: dir,
    NODE_ENV: 'test',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      SettingsModule.forRoot(settings),
      AppCacheModule.forRoot(settings),
      EventEmitterModule.forRoot(),
      GuildConfigModule,
    ],
  }).compile();
  Logger.overrideLogger(false);
  await moduleRef.init();
  return moduleRef;
}

async function timeEach(ids: string[], get: (id: string) => Promise<unknown>): Promise<number[]> {
  const sample: number[] = [];
  for (const id of ids) {
    const start = process.hrtime.bigint();
    await get(id);
    sample.push(msSince(start));
  }
  return sample;
}

const row = (name: string, sample: number[]): BenchRow => {
  const s = summarize(sample);
  return {
    lookup: name,
    n: s.n,
    'p50 µs': s.p50 * 1000,
    'p95 µs': s.p95 * 1000,
    'p99 µs': s.p99 * 1000,
    'max µs': s.max * 1000,
  };
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-config-'));
  copyFileSync(join(process.cwd(), 'config', 'default_config.json'), join(dir, 'default_config.json'));
  mkdirSync(join(dir, 'overrides'));
  const ids = Array.from({ length: GUILDS }, (_, i) => String(800000000000000000n + BigInt(i)));
  ids.forEach((id, i) => writeFileSync(join(dir, 'overrides', `${id}.json`), JSON.stringify(override(i))));
  const redisUrl = process.env.REDIS_URL;
  const rows: BenchRow[] = [];

  const moduleRef = await boot(dir, redisUrl);
  try {
    const service = moduleRef.get(GuildConfigService);
    await new Promise((r) => setTimeout(r, 500)); // let the start-up scan of the overrides finish
    // Cold: nothing cached anywhere (the start-up scan filled both layers: drop them for this run).
    for (const id of ids) await moduleRef.get(ConfigCache).invalidate(id);
    rows.push(row('cold (file read + validate + merge)', await timeEach(ids, (id) => service.get(id))));

    if (redisUrl) {
      moduleRef.get(ConfigCache).clearLocal(); // a fresh replica: the shared Redis cache has every guild
      rows.push(row('shared cache (Redis)', await timeEach(ids, (id) => service.get(id))));
    }

    for (let i = 0; i < 20_000; i++) await service.get(ids[i % ids.length]); // warm-up
    const picks = Array.from({ length: CACHED_LOOKUPS }, () => ids[Math.floor(Math.random() * ids.length)]);
    rows.push(row('cached (in-process)', await timeEach(picks, (id) => service.get(id))));
  } finally {
    await moduleRef.close();
    rmSync(dir, { recursive: true, force: true });
  }

  report('config-lookup', 'Effective guild config lookup (GuildConfigService.get)', rows, [
    `${GUILDS} guilds with an override file each; ${CACHED_LOOKUPS} cached lookups of random guilds.`,
    `Cache: in-process map in front of ${redisUrl ? 'Redis' : 'the in-memory cache-manager store'}; TTL 60 s.`,
    'Times include the await of each call (sequential, one at a time).',
  ]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
