import { isIP } from 'node:net';
import { z } from 'zod';

const SNOWFLAKE = /^\d{17,20}$/;
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`,
    );

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/** `900`, `900s`, `15m`, `2h`, `1d` → seconds. */
export const duration = z
  .string()
  .trim()
  .regex(/^\d+\s*[smhd]?$/, 'must be a duration such as 900, 15m, 1h or 1d')
  .transform((v) => {
    const n = parseInt(v, 10);
    const unit = v.slice(-1);
    const factor = unit === 'm' ? 60 : unit === 'h' ? 3600 : unit === 'd' ? 86400 : 1;
    return n * factor;
  })
  .refine((n) => n > 0, 'must be greater than zero');

const onOff = z.enum(['on', 'off'], 'must be on or off').optional();

/** proxy-addr's named ranges, which Express's `trust proxy` understands. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY`: a hop count (`1`: the address the nearest proxy saw; `0`: none) or a comma-separated list of
 * proxy addresses and CIDR ranges (`10.0.0.0/8, 192.0.2.7`, or proxy-addr's `loopback` / `linklocal` /
 * `uniquelocal`). `true` (trust every hop) is refused: any client could then choose its own address.
 */
export const trustProxy = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{1,2}$/.test(v) || v.split(',').every((e) => isProxyAddress(e.trim())),
    'must be a hop count (0-99) or a comma-separated list of addresses and CIDR ranges',
  )
  .transform((v): number | string[] => (/^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())));

/**
 * The raw environment as the service reads it. Names are fixed (docs/architecture.md). Every value arrives as a
 * string; this schema turns it into typed values and says which variable is wrong, never what its value was.
 */
export const envSchema = z.object({
  PORT: int(1, 65535).default(3000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONFIG_DIR: z.string().trim().min(1).default('./config'),
  STORAGE: z.enum(['memory', 'mongo']).optional(),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  CORS_ORIGINS: optionalString,
  DISCORD_TOKEN: optionalString,
  DISCORD_CLIENT_ID: z.string().trim().regex(SNOWFLAKE, 'must be a Discord snowflake').optional(),
  DISCORD_CLIENT_SECRET: optionalString,
  DISCORD_API_URL: url(['http:', 'https:']).default('https://discord.com/api'),
  DISCORD_DEV_GUILD_ID: z.string().trim().regex(SNOWFLAKE, 'must be a Discord snowflake').optional(),
  DISCORD_SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, 'must be a comma-separated list of shard numbers')
    .transform((v) => v.split(',').map((s) => Number(s.trim())))
    .optional(),
  DISCORD_SHARD_COUNT: int(1, 10000).optional(),
  KALTURA_PARTNER_ID: int(1, 2147483647).optional(),
  KALTURA_ADMIN_SECRET: optionalString,
  KALTURA_SERVICE_URL: url(['http:', 'https:']).default('https://www.kaltura.com'),
  KALTURA_KAF_URL: url(['http:', 'https:']).optional(),
  KALTURA_WEBHOOK_SECRET: optionalString,
  KALTURA_JOIN_LINK_TTL: int(60, 86400).default(900),
  KALTURA_MODE: z.enum(['live', 'sandbox'], 'must be live or sandbox').optional(),
  TRUST_PROXY: trustProxy.optional(),
  API_DOCS: onOff,
  HSTS: onOff,
  JWT_SECRET: optionalString,
  JWT_EXPIRY: duration.default(900),
  OUTGOING_WEBHOOKS_ALLOW_PRIVATE: onOff,
});

export type RawEnv = z.infer<typeof envSchema>;

/** Variables that hold secrets: they may come from `<NAME>_FILE` and are never printed. */
export const SECRET_VARS = [
  'DISCORD_TOKEN',
  'DISCORD_CLIENT_SECRET',
  'KALTURA_ADMIN_SECRET',
  'KALTURA_WEBHOOK_SECRET',
  'JWT_SECRET',
  'MONGODB_URI',
  'REDIS_URL',
] as const;

/** Values that must never be used as JWT_SECRET in production (they are public). */
export const KNOWN_DEFAULT_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'your-secret-key',
  'jwt-secret',
  'development-only-jwt-secret-change-me-please',
]);
