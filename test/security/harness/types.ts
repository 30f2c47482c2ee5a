import type { FakeDiscord, InteractionResponses, SlashCommandInput } from '../../fakes/discord';
import type { FakeKaltura } from '../../fakes/kaltura';
import type { ServiceHandle } from './service';
import type { SecurityWorld } from './world';

/** One HTTP exchange with the service, as the harness recorded it. */
export interface HttpExchange {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any; // rows read whatever the route answers
  text: string;
}

/** A request to the service. `token`: a bearer token; `body`: JSON (objects) or sent as is (strings, bytes). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Who the attacker can be: a signed-in user of one guild (access tokens from the real OAuth2 sign-in). */
export type Actor = 'adminA' | 'memberA' | 'adminB';

/** What the interaction answered, with the text of every reply in one string. */
export interface SlashResult {
  responses: InteractionResponses;
  /** Original response (after edits) and followups, joined: what the member read. */
  text: string;
  /** True when everything the member saw was ephemeral. */
  ephemeral: boolean;
}

/** Everything a row can use. One service, one fake Discord, one fake Kaltura for the whole table. */
export interface AttackContext {
  world: SecurityWorld;
  service: ServiceHandle;
  discord: FakeDiscord;
  kaltura: FakeKaltura;
  /** Access tokens, by actor. */
  tokens: Record<Actor, string>;
  /** Admin tokens the harness reads with (snapshots, config reloads); never an attacker. */
  watchers: Record<'A' | 'B', string>;
  /** Sends a request; every exchange is recorded so the invariants can check for 5xx. */
  http(request: HttpRequest): Promise<HttpExchange>;
  /** Dispatches a slash command and resolves once it is answered (deferred + edited, or replied). */
  slash(input: SlashCommandInput): Promise<SlashResult>;
  /** A counter or gauge from `/metrics` (summed over series whose labels include `labels`); 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Writes guild `guildId`'s stored config override straight to the store (as an old version could have). */
  writeOverride(guildId: string, override: object): Promise<void>;
}

/** What a row may legitimately change; every other invariant still holds. Give the reason in `refusal`. */
export type AllowedChange = 'meetings' | 'config';

/**
 * One attack. `run` performs it and asserts the refusal (status, problem code, ephemeral text, skip reason...).
 * After `run`, the suite checks for every row: no message reached a channel of the victim guild, the meeting
 * lists and configs of both guilds are unchanged (unless `mayChange` says otherwise), no response was a 5xx, and
 * the process is alive.
 */
export interface AttackCase {
  /** Issue 17 item the row belongs to. */
  item: number;
  /** The attack, as a sentence (the test title). */
  attack: string;
  /** The refusal expected, as a sentence (printed in the title). */
  refusal: string;
  /** Default 'B': the guild that must receive nothing. */
  victim?: 'A' | 'B';
  /** Preparation that is not part of the attack (not covered by the "nothing stored" check). */
  setup?: (ctx: AttackContext) => Promise<void>;
  run: (ctx: AttackContext) => Promise<void>;
  /** Undo what `setup` did, so later rows start from the same world. */
  teardown?: (ctx: AttackContext) => Promise<void>;
  mayChange?: AllowedChange[];
  /** Not fixed yet: the row runs as `it.failing` naming this; fix it and remove the field. */
  knownBug?: string;
}
