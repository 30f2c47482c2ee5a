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
  readonly http!: {
    port: number;
    corsOrigins: string[] | true;
    /** Express's `trust proxy`: hops to trust (0: none), or the proxies' addresses and ranges. */
    trustProxy: number | string[];
    /** Serve OpenAPI at `/api/docs` and `/api/docs-json`. */
    apiDocs: boolean;
    /** Send `Strict-Transport-Security` (usually the ingress's job). */
    hsts: boolean;
  };
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
    /**
     * What Kaltura webhooks must be signed with; `null`: every webhook is refused (production sandbox without
     * `KALTURA_WEBHOOK_SECRET`, where the only other candidate is the built-in secret, public in the source).
     */
    webhookSecret: string | null;
    joinLinkTtl: number;
  };
  readonly jwt!: { secret: string; expirySeconds: number; generated: boolean };
  /**
   * Trial mode (README "Try it"): a development-only sign-in into a demo guild and an outbox that shows the
   * Discord messages instead of posting them. Not a switch: it is on exactly when the service runs on embedded
   * defaults in development (`NODE_ENV=development`, sandbox Kaltura, no `DISCORD_TOKEN`), so production, real
   * Kaltura credentials or a bot token turn it off, and nothing can turn it on there.
   */
  readonly trial!: boolean;
  readonly webhooksOut!: {
    /** Outgoing webhooks may target loopback, private and link-local addresses, and plain `http:`. */
    allowPrivate: boolean;
  };
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
 * Kaltura's mode and credentials. Development falls back to the sandbox when no partner is set; production runs
 * the sandbox only when `KALTURA_MODE=sandbox` says so, and never trusts the built-in sandbox secret, which is
 * public in the source: without `KALTURA_WEBHOOK_SECRET` it refuses every webhook instead.
 */
function resolveKaltura(
  e: RawEnv,
  production: boolean,
): Pick<Settings['kaltura'], 'mode' | 'partnerId' | 'adminSecret' | 'webhookSecret'> {
  const credentials = e.KALTURA_PARTNER_ID !== undefined || e.KALTURA_ADMIN_SECRET !== undefined;
  if (e.KALTURA_MODE === 'live') {
    const missing = (['KALTURA_PARTNER_ID', 'KALTURA_ADMIN_SECRET'] as const).filter(
      (n) => e[n] === undefined,
    );
    if (missing.length > 0) {
      throw new SettingsError(
        missing.join(' and '),
        `${missing.length > 1 ? 'are' : 'is'} required when KALTURA_MODE=live`,
      );
    }
  } else if (e.KALTURA_MODE === 'sandbox' && credentials) {
    throw new SettingsError(
      'KALTURA_MODE',
      'is sandbox while KALTURA_PARTNER_ID or KALTURA_ADMIN_SECRET is set; unset them or set KALTURA_MODE=live',
    );
  }
  if (e.KALTURA_PARTNER_ID !== undefined && e.KALTURA_ADMIN_SECRET === undefined) {
    throw new SettingsError('KALTURA_ADMIN_SECRET', 'is required when KALTURA_PARTNER_ID is set');
  }
  if (e.KALTURA_PARTNER_ID === undefined && e.KALTURA_ADMIN_SECRET !== undefined) {
    throw new SettingsError('KALTURA_PARTNER_ID', 'is required when KALTURA_ADMIN_SECRET is set');
  }
  const mode = e.KALTURA_MODE ?? (credentials ? 'live' : 'sandbox');
  if (production && mode === 'sandbox' && e.KALTURA_MODE === undefined) {
    throw new SettingsError(
      'KALTURA_MODE',
      'must be set in production without Kaltura credentials: sandbox to run the simulated Kaltura on purpose, ' +
        'or live with KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET',
    );
  }
  if (production) {
    for (const name of ['KALTURA_ADMIN_SECRET', 'KALTURA_WEBHOOK_SECRET'] as const) {
      if (e[name] === SANDBOX_ADMIN_SECRET) {
        throw new SettingsError(name, 'is the built-in sandbox secret, which is public; generate your own');
      }
    }
  }
  if (mode === 'live') {
    const adminSecret = e.KALTURA_ADMIN_SECRET!;
    return {
      mode,
      partnerId: e.KALTURA_PARTNER_ID!,
      adminSecret,
      webhookSecret: e.KALTURA_WEBHOOK_SECRET ?? adminSecret,
    };
  }
  return {
    mode,
    partnerId: SANDBOX_PARTNER_ID,
    adminSecret: SANDBOX_ADMIN_SECRET,
    webhookSecret: e.KALTURA_WEBHOOK_SECRET ?? (production ? null : SANDBOX_ADMIN_SECRET),
  };
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

  const kaltura = resolveKaltura(e, production);

  return new Settings({
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      corsOrigins: e.CORS_ORIGINS ? e.CORS_ORIGINS.split(',').map((s) => s.trim()) : production ? [] : true,
      // Production trusts no proxy unless told: a forwarded address is then just a header the client chose.
      trustProxy: e.TRUST_PROXY ?? (production ? 0 : ['loopback']),
      apiDocs: e.API_DOCS === undefined ? !production : e.API_DOCS === 'on',
      hsts: e.HSTS === 'on',
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
      ...kaltura,
      serviceUrl: e.KALTURA_SERVICE_URL.replace(/\/+$/, ''),
      kafUrl: (e.KALTURA_KAF_URL ?? `https://${kaltura.partnerId}.kaf.kaltura.com`).replace(/\/+$/, ''),
      joinLinkTtl: e.KALTURA_JOIN_LINK_TTL,
    },
    jwt: { secret: jwtSecret, expirySeconds: e.JWT_EXPIRY, generated },
    trial: e.NODE_ENV === 'development' && kaltura.mode === 'sandbox' && !e.DISCORD_TOKEN,
    webhooksOut: { allowPrivate: e.OUTGOING_WEBHOOKS_ALLOW_PRIVATE === 'on' },
    sources,
  });
}
