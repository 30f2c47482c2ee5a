/** An outgoing webhook endpoint a guild admin registered. `secret` never leaves the service after create/rotate. */
export interface WebhookEndpoint {
  /** `we_` + 24 hex characters. */
  id: string;
  guildId: string;
  url: string;
  /** Event types delivered (`meeting.started`, …) or `['*']` for every type. */
  eventTypes: string[];
  description: string;
  /** `whsec_…`: the signing secret (stored as is: signing needs it). */
  secret: string;
  /** Paused by an admin (false) or active (true); an endpoint disabled after failures is `enabled: false` too. */
  enabled: boolean;
  /** Why it was disabled by the service (null: enabled, or paused by an admin). */
  disabledReason: string | null;
  /** Failed requests in a row (a success resets it). */
  consecutiveFailures: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
}

/** What an API response may show of an endpoint: everything but the secret. */
export type WebhookEndpointView = Omit<WebhookEndpoint, 'secret'>;

export function viewOf(endpoint: WebhookEndpoint): WebhookEndpointView {
  const { secret: _secret, ...view } = endpoint;
  return view;
}

/** Event type names: `noun.verb` in lower snake case, or `*`. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;

/** Whether `endpoint` wants events of `type`. */
export function wants(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.enabled && (endpoint.eventTypes.includes('*') || endpoint.eventTypes.includes(type));
}
