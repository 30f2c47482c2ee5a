/**
 * The meetings module's public surface: import from here only.
 *
 * - `MeetingsService` (inject it; `MeetingsModule` provides it): create, get, list, listActive, join, end,
 *   endedExternally, attachMessage — always scoped to a guild except `endedExternally`; create, list, join and
 *   end apply the guild's command rules (`commands.enabled`, `commands.permissions`) to the actor;
 * - the `Meeting` aggregate, `MeetingActor`, input rules and duration helpers;
 * - domain events (`MEETING_EVENTS`, emitted through `EventEmitter2` after the change is stored);
 * - error codes and the repository port with its two adapters (for tests and tools);
 * - the limits (`MeetingLimits`: command budgets, active-meeting caps, duplicate-start guard) and their stores,
 *   exported for tests that build the service by hand.
 */
export type { MeetingType } from '../kaltura';
export type { ActorAccess, Meeting, MeetingActor } from './domain/meeting';
export { CommandForbiddenError, GuildMemberDirectory, MeetingCommandPolicy } from './command-policy.service';
export { EVERYONE, MEETING_COMMANDS, alwaysEnabled, commandRefusal } from './domain/command-policy';
export type { CommandApiKey, CommandMember, MeetingCommand } from './domain/command-policy';
export {
  ENDED_BY_KALTURA,
  MEETING_LIMITS,
  MEETING_TYPES,
  formatDuration,
  meetingDurationMs,
} from './domain/meeting';
export {
  MEETING_ID_PATTERN,
  kalturaUserId,
  newMeetingId,
  validateMeetingInput,
} from './domain/meeting.rules';
export type { MeetingDraft } from './domain/meeting.rules';
export { MEETING_EVENTS } from './domain/meeting.events';
export type { MeetingCreatedEvent, MeetingEndedEvent, MeetingJoinedEvent } from './domain/meeting.events';
export {
  MEETING_ERROR_CODES,
  MeetingEndForbiddenError,
  MeetingEndedError,
  MeetingNotFoundError,
  MeetingStorageUnavailableError,
  CommandRateLimitedError,
  ActiveMeetingsLimitError,
  MeetingStartPendingError,
} from './meetings.errors';
export { MeetingsService, LIST_ACTIVE_LIMIT } from './meetings.service';
export type { CreateMeetingInput, JoinResult, StartResult } from './meetings.service';
export { MeetingLimits, DUPLICATE_START_WINDOW_MS } from './limits/meeting-limits';
export type { LimitsConfigSource } from './limits/meeting-limits';
export { CommandBudget, BUDGET_KEY_PREFIX } from './limits/command-budget';
export type { BudgetRule, BudgetOutcome, BudgetScope } from './limits/command-budget';
export {
  MemoryStartDeduplicator,
  RedisStartDeduplicator,
  START_KEY_PREFIX,
  START_PENDING_MS,
} from './limits/start-deduplicator';
export type { StartDeduplicator, StartClaim } from './limits/start-deduplicator';
export { MeetingsModule } from './meetings.module';
export { MEETING_METRICS } from './meetings.metrics';
export { MeetingRepository } from './meeting.repository';
export { InMemoryMeetingRepository } from './persistence/memory-meeting.repository';
export { MongoMeetingRepository } from './persistence/mongo-meeting.repository';
