import { Settings } from './settings';

/** The variables the REST API's Discord sign-in (`grant_type=discord_code`) needs and that are not set. */
export function discordLoginMissing(s: Settings): string[] {
  return [
    ...(s.discord.clientId ? [] : ['DISCORD_CLIENT_ID']),
    ...(s.discord.clientSecret ? [] : ['DISCORD_CLIENT_SECRET']),
  ];
}

/**
 * What a person starting the service needs to know about its configuration: which parts run on embedded
 * defaults and what to set to change that. Never contains a secret.
 */
export function startupReport(s: Settings): { summary: Record<string, string>; defaults: string[] } {
  const defaults: string[] = [];
  if (s.storage.kind === 'memory') defaults.push('storage: in-memory (set MONGODB_URI to persist)');
  if (!s.redis.url)
    defaults.push('cache and queues: in-process (set REDIS_URL to share them across replicas)');
  if (s.kaltura.mode === 'sandbox') {
    defaults.push('Kaltura: sandbox, simulated in-process (set KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET)');
  }
  if (s.kaltura.webhookSecret === null) {
    defaults.push('Kaltura webhooks: all refused, no secret to check them with (set KALTURA_WEBHOOK_SECRET)');
  }
  if (!s.discord.token) defaults.push('Discord gateway: off (set DISCORD_TOKEN to connect the bot)');
  const loginMissing = discordLoginMissing(s);
  if (loginMissing.length) {
    defaults.push(`REST API Discord sign-in: off (set ${loginMissing.join(' and ')})`);
  }
  if (s.trial) {
    defaults.push(
      'trial mode: POST /api/v1/dev/token signs in demo members; Discord messages are shown at ' +
        'GET /api/v1/dev/discord-messages, not posted (README "Try it")',
    );
  }
  if (s.jwt.generated) defaults.push('JWT_SECRET: generated for this process; API tokens die with it');
  return {
    summary: {
      environment: s.env,
      port: String(s.http.port),
      storage: s.storage.kind,
      cache: s.redis.url ? 'redis' : 'memory',
      kaltura: s.kaltura.mode,
      discord: s.discord.token ? 'gateway' : 'off',
      trial: s.trial ? 'on' : 'off',
      trustProxy: describeTrustProxy(s.http.trustProxy),
      apiDocs: s.http.apiDocs ? 'on' : 'off',
      hsts: s.http.hsts ? 'on' : 'off',
    },
    defaults,
  };
}

/** `TRUST_PROXY` as a person reads it: `none`, `1 hop`, or the list. */
export function describeTrustProxy(value: number | string[]): string {
  if (Array.isArray(value)) return value.join(', ');
  return value === 0 ? 'none' : `${value} hop${value === 1 ? '' : 's'}`;
}
