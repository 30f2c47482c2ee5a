import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AccessTokenService } from '../../src/modules/auth';

export const REPO_DEFAULTS = join(__dirname, '..', '..', 'config', 'default_config.json');

/** A guild id (snowflake) unique within the test run. */
let counter = 0;
export function guildId(): string {
  counter += 1;
  return `${(BigInt(Date.now()) << 22n) | (BigInt(process.pid % 1024) << 12n) | BigInt(counter % 4096)}`;
}

/** A throwaway CONFIG_DIR holding a copy of the repository's defaults and an empty overrides folder. */
export function makeConfigDir(): {
  dir: string;
  overrides: string;
  write: (guild: string, text: string) => void;
  read: (guild: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'kd-config-'));
  copyFileSync(REPO_DEFAULTS, join(dir, 'default_config.json'));
  const overrides = join(dir, 'overrides');
  mkdirSync(overrides);
  return {
    dir,
    overrides,
    write: (guild, text) => writeFileSync(join(overrides, `${guild}.json`), text),
    read: (guild) => readFileSync(join(overrides, `${guild}.json`), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Polls until `check` passes (returns its value) or fails the test after `ms`. */
export async function eventually<T>(check: () => Promise<T> | T, ms = 3_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const API_ADMIN = { id: '760000000000000001', name: 'Api Admin' };

/**
 * An `Authorization` header for a guild admin of `guildIds` (a Discord user signed in through the API), minted
 * by the auth module of the running app: the config routes are for guild admins only.
 */
export function adminAuth(app: INestApplication, ...guildIds: string[]): { Authorization: string } {
  const { token } = app.get(AccessTokenService).issue({
    kind: 'user',
    subject: API_ADMIN.id,
    displayName: API_ADMIN.name,
    guilds: Object.fromEntries(guildIds.map((g) => [g, 'admin' as const])),
  });
  return { Authorization: `Bearer ${token}` };
}

/**
 * supertest on the app, every `/guilds/<id>/…` request signed as an admin of that guild (other paths as they
 * are). `as` overrides the header (e.g. `{}` for none).
 */
export function adminApi(app: INestApplication) {
  const call = (method: 'get' | 'patch' | 'delete', url: string) => {
    const guild = /\/guilds\/(\d{17,20})\//.exec(url)?.[1];
    const req = request(app.getHttpServer())[method](url);
    return guild ? req.set(adminAuth(app, guild)) : req;
  };
  return {
    get: (url: string) => call('get', url),
    patch: (url: string) => call('patch', url),
    delete: (url: string) => call('delete', url),
  };
}
