// PROVISIONAL stub of the bus contract (docs: bus-contract); replaced by g22a's files on merge.
export type EventAudience = 'viewer' | 'admin';
export interface DomainEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  version: number;
  guildId: string;
  occurredAt: string;
  audience: EventAudience;
  data: T;
}
