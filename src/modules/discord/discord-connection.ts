import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Client, DiscordjsErrorCodes, Events, Routes } from 'discord.js';
import type { NecordModuleOptions } from 'necord';

/**
 * The gateway's state as readiness details and logs show it. `connecting`: a login attempt is under way;
 * `retrying`: the last attempt failed, the next one is scheduled; `ready`: READY received; `given-up`: Discord
 * refused the token, which no retry can fix (a new `DISCORD_TOKEN` needs a restart).
 */
export type GatewayState = 'connecting' | 'retrying' | 'ready' | 'given-up' | 'stopped';

/** First wait after a failed login, then doubled (with jitter) up to `LOGIN_MAX_BACKOFF_MS`. */
export const LOGIN_FIRST_BACKOFF_MS = 1_000;
export const LOGIN_MAX_BACKOFF_MS = 60_000;

/**
 * discord.js's `Client` as necord gets it, except that `login` only returns: necord calls it from
 * `onApplicationBootstrap`, which `app.listen()` awaits, so a Discord outage kept the HTTP port closed and with it
 * webhook intake and the REST API. `DiscordConnection` logs in instead, in the background, with backoff.
 */
export class BackgroundLoginClient extends Client {
  override login(token?: string): Promise<string> {
    return Promise.resolve(token ?? '');
  }

  /** The real discord.js login: resolves once every shard is READY (or rejects, and the client is destroyed). */
  connect(token: string): Promise<string> {
    // discord.js marks its WebSocketManager destroyed when a login fails, and `isReady()` stays false for good
    // after that; a fresh attempt must start from a manager that is not.
    (this.ws as unknown as { destroyed: boolean }).destroyed = false;
    return super.login(token);
  }
}

/** Replaces necord's `Client` provider (dynamic-module providers override the module's own). */
export function backgroundLoginClientProvider(optionsToken: string | symbol): Provider {
  return {
    provide: Client,
    useFactory: (options: NecordModuleOptions) => new BackgroundLoginClient(options),
    inject: [optionsToken],
  };
}

/** Clock and timers, injectable so the backoff can be tested without waiting. */
export class LoginClock {
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

/**
 * Logs the bot in after the HTTP port is open, and again after a failure, waiting 1 s, 2 s, 4 s … (at most 60 s,
 * with jitter) between attempts. One log line per state change. Once connected, discord.js itself resumes and
 * reconnects dropped sessions; this only covers the first connection.
 */
@Injectable()
export class DiscordConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('discord');
  private readonly stop = new AbortController();
  private current: GatewayState = 'connecting';
  private attempts = 0;
  private lastError?: string;
  private nextAttemptAt?: number;
  private loop?: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly token: string,
    private readonly clock: LoginClock = new LoginClock(),
  ) {}

  get state(): GatewayState {
    return this.current;
  }

  /** What readiness shows for the gateway; never the token. */
  details(): Record<string, unknown> {
    return {
      state: this.current,
      attempts: this.attempts,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.nextAttemptAt ? { nextAttemptAt: new Date(this.nextAttemptAt).toISOString() } : {}),
    };
  }

  onApplicationBootstrap(): void {
    this.client.once(Events.ClientReady, () => this.enter('ready'));
    // Not awaited: the HTTP port opens while this runs.
    this.loop = this.run();
  }

  /** Ends the retry loop. Not awaited: a login still under way ends when necord destroys the client. */
  onApplicationShutdown(): void {
    this.current = 'stopped';
    this.stop.abort();
  }

  /** Resolves when the login loop ends: connected, given up or stopped. */
  settled(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    let wait = LOGIN_FIRST_BACKOFF_MS;
    while (!this.stop.signal.aborted) {
      this.attempts += 1;
      this.nextAttemptAt = undefined;
      if (this.current !== 'ready') this.enter('connecting');
      try {
        // A cheap probe first: with Discord unreachable a full login would destroy the client each time.
        this.client.rest.setToken(this.token);
        await this.client.rest.get(Routes.gatewayBot());
        if (this.stop.signal.aborted) return;
        await (this.client as BackgroundLoginClient).connect(this.token);
        return;
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.lastError = describe(error);
        if (isTokenRefused(error)) {
          this.enter('given-up');
          this.log.error(
            { attempts: this.attempts },
            'Discord gateway: Discord refused DISCORD_TOKEN; giving up (set a valid token and restart)',
          );
          return;
        }
        const delay = Math.round(wait / 2 + (Math.random() * wait) / 2);
        this.nextAttemptAt = Date.now() + delay;
        this.current = 'retrying';
        this.log.warn(
          { attempts: this.attempts, err: this.lastError, retryInMs: delay },
          `Discord gateway: login failed; retrying in ${Math.ceil(delay / 1000)} s`,
        );
        await this.clock.sleep(delay, this.stop.signal);
        wait = Math.min(LOGIN_MAX_BACKOFF_MS, wait * 2);
      }
    }
  }

  private enter(state: GatewayState): void {
    if (this.current === state && state !== 'connecting') return;
    this.current = state;
    if (state === 'connecting') this.log.log({ attempt: this.attempts }, 'Discord gateway: connecting');
    if (state === 'ready') {
      this.lastError = undefined;
      this.log.log({ attempts: this.attempts }, 'Discord gateway: connected');
    }
  }
}

function isTokenRefused(error: unknown): boolean {
  const e = error as { status?: number; code?: unknown };
  return e?.status === 401 || e?.code === DiscordjsErrorCodes.TokenInvalid;
}

/** A short, secret-free reason: an error code or class and status, never a URL with a token or a body. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const e = error as Error & { code?: unknown; status?: number; cause?: { code?: unknown } };
  const code =
    typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  return [e.name, e.status, code].filter((x) => x !== undefined).join(' ');
}
