import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KNOWN_DEFAULT_SECRETS, RawEnv, SECRET_VARS, envSchema } from './settings.schema';

/** Where a setting's value came from, for the start-up report. */
export type SettingSource = 'env' | 'file' | 'default';

/** A bad environment: names the variable and the rule, never the value. */
export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid environment: ${variable} ${reason}`);
    this.name = 'SettingsError';
  }
}

/** Secret used to sign sandbox KS strings when no Kaltura partner is configured. Not a real credential. */
export const SANDBOX_PARTNER_ID = 100;
export const SANDBOX_ADMIN_SECRET = 'sandbox-admin-secret-not-for-production';

/**
 * Typed, validated settings. The only place in the service that reads `process.env`; everything else injects
 * this class.
 */
export class Settings {
  readonly env!: 'development' | 'production' | 'test';
  readonly http!: { port: number; corsOrigins: string[] | true };
  readonly log!: { level: RawEnv['LOG_LEVEL'] };
  readonly config!: { dir: string };
  readonly storage!: { kind: 'memory' | 'mongo'; mongoUri?: string };
  readonly redis!: { url?: string };
  readonly discord!: {
    token?: string;
    clientId?: string;
    clientSecret?: string;
    apiUrl: string;
    devGuildId?: string;
    shardIds?: number[];
    shardCount?: number;
  };
  readonly kaltura!: {
    /** `sandbox`: in-process simulated Kaltura; `live`: a real partner at `serviceUrl`. */
    mode: 'sandbox' | 'live';
    partnerId: number;
    adminSecret: string;
    serviceUrl: string;
    kafUrl: string;
    webhookSecret: string;
    joinLinkTtl: number;
  };
  readonly jwt!: { secret: string; expirySeconds: number; generated: boolean };
  /** Source of every variable the schema knows, for the start-up log. */
  readonly sources!: Record<string, SettingSource>;

  constructor(values: Settings) {
    Object.assign(this, values);
  }
}

/** Reads `<NAME>_FILE` for every secret; a variable and its `_FILE` twin together is an error. */
function resolveFiles(
  env: NodeJS.ProcessEnv,
  sources: Record<string, SettingSource>,
): Record<string, string> {
  const out: Record<string, string> = {};
  // An empty value means unset (docker-compose's `${X:-}` produces them).
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  for (const name of SECRET_VARS) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      throw new SettingsError(name, `and ${name}_FILE are both set; use one`);
    }
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new SettingsError(`${name}_FILE`, 'names a file that cannot be read');
    }
    sources[name] = 'file';
  }
  return out;
}

/**
 * Parses and checks the environment. Throws `SettingsError` naming the first bad variable.
 * @param env usually `process.env`; tests pass their own.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const sources: Record<string, SettingSource> = {};
  const input = resolveFiles(env, sources);
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SettingsError(String(issue.path[0]), issue.message);
  }
  const e = parsed.data;
  for (const key of Object.keys(envSchema.shape)) {
    sources[key] ??= input[key] !== undefined ? 'env' : 'default';
  }
  const production = e.NODE_ENV === 'production';

  if (e.STORAGE === 'mongo' && !e.MONGODB_URI)
    throw new SettingsError('MONGODB_URI', 'is required when STORAGE=mongo');
  const storageKind = e.STORAGE ?? (e.MONGODB_URI ? 'mongo' : 'memory');
  if (production && storageKind === 'memory' && e.STORAGE !== 'memory') {
    throw new SettingsError('MONGODB_URI', 'is required in production (or set STORAGE=memory explicitly)');
  }

  if (e.DISCORD_SHARD_IDS && e.DISCORD_SHARD_COUNT === undefined) {
    throw new SettingsError('DISCORD_SHARD_COUNT', 'is required when DISCORD_SHARD_IDS is set');
  }
  if (e.DISCORD_SHARD_IDS && e.DISCORD_SHARD_IDS.some((id) => id >= (e.DISCORD_SHARD_COUNT ?? 1))) {
    throw new SettingsError('DISCORD_SHARD_IDS', 'must only hold shard numbers below DISCORD_SHARD_COUNT');
  }

  const live = e.KALTURA_PARTNER_ID !== undefined;
  if (live && !e.KALTURA_ADMIN_SECRET) {
    throw new SettingsError('KALTURA_ADMIN_SECRET', 'is required when KALTURA_PARTNER_ID is set');
  }
  if (!live && e.KALTURA_ADMIN_SECRET) {
    throw new SettingsError('KALTURA_PARTNER_ID', 'is required when KALTURA_ADMIN_SECRET is set');
  }
  const partnerId = e.KALTURA_PARTNER_ID ?? SANDBOX_PARTNER_ID;
  const adminSecret = e.KALTURA_ADMIN_SECRET ?? SANDBOX_ADMIN_SECRET;

  let jwtSecret = e.JWT_SECRET;
  let generated = false;
  if (jwtSecret !== undefined) {
    if (production && jwtSecret.length < 32)
      throw new SettingsError('JWT_SECRET', 'must be at least 32 characters');
    if (production && KNOWN_DEFAULT_SECRETS.has(jwtSecret.toLowerCase())) {
      throw new SettingsError('JWT_SECRET', 'is a published example value; generate your own');
    }
  } else if (production) {
    throw new SettingsError('JWT_SECRET', 'is required in production');
  } else {
    // Development only: tokens die with the process, which is what a developer expects.
    jwtSecret = randomBytes(32).toString('base64url');
    generated = true;
  }

  return new Settings({
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      corsOrigins: e.CORS_ORIGINS ? e.CORS_ORIGINS.split(',').map((s) => s.trim()) : production ? [] : true,
    },
    log: { level: e.LOG_LEVEL },
    config: { dir: e.CONFIG_DIR },
    storage: { kind: storageKind, mongoUri: e.MONGODB_URI },
    redis: { url: e.REDIS_URL },
    discord: {
      token: e.DISCORD_TOKEN,
      clientId: e.DISCORD_CLIENT_ID,
      clientSecret: e.DISCORD_CLIENT_SECRET,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      devGuildId: e.DISCORD_DEV_GUILD_ID,
      shardIds: e.DISCORD_SHARD_IDS,
      shardCount: e.DISCORD_SHARD_COUNT,
    },
    kaltura: {
      mode: live ? 'live' : 'sandbox',
      partnerId,
      adminSecret,
      serviceUrl: e.KALTURA_SERVICE_URL.replace(/\/+$/, ''),
      kafUrl: (e.KALTURA_KAF_URL ?? `https://${partnerId}.kaf.kaltura.com`).replace(/\/+$/, ''),
      webhookSecret: e.KALTURA_WEBHOOK_SECRET ?? adminSecret,
      joinLinkTtl: e.KALTURA_JOIN_LINK_TTL,
    },
    jwt: { secret: jwtSecret, expirySeconds: e.JWT_EXPIRY, generated },
    sources,
  });
}
