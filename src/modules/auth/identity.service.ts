import { Injectable, Logger } from '@nestjs/common';
import { KalturaPort } from '../kaltura';
import type { Identity } from './domain/identity';
import { IdentityRepository } from './identity.port';

/**
 * Discord user → Kaltura user. Every sign-in or join records the user as seen; the Kaltura user is created
 * once and then remembered, so Kaltura is not asked again on every join.
 */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly identities: IdentityRepository,
    private readonly kaltura: KalturaPort,
  ) {}

  /** Records the user as seen now (display name refreshed) and returns their identity. */
  async recordSeen(user: { id: string; displayName: string }): Promise<Identity> {
    return this.identities.recordSeen({
      discordUserId: user.id,
      displayName: user.displayName,
      at: new Date(),
    });
  }

  /**
   * The user's identity with the Kaltura user guaranteed to exist. Throws Kaltura's domain errors (503 when it
   * cannot be reached) so a join can report them; the next call tries again.
   */
  async ensureKalturaUser(user: { id: string; displayName: string }): Promise<Identity> {
    const identity = await this.recordSeen(user);
    if (identity.kalturaUserEnsuredAt) return identity;
    await this.kaltura.ensureUser({ id: identity.kalturaUserId, displayName: identity.displayName });
    const at = new Date();
    await this.identities.markKalturaUserEnsured(identity.discordUserId, at);
    return { ...identity, kalturaUserEnsuredAt: at };
  }

  /** Like `ensureKalturaUser`, but a Kaltura outage is only logged: used at sign-in, which must not depend on it. */
  async ensureKalturaUserQuietly(user: { id: string; displayName: string }): Promise<Identity> {
    try {
      return await this.ensureKalturaUser(user);
    } catch (err) {
      this.logger.warn({ err }, 'Kaltura user not ensured at sign-in; will retry on next use');
      return this.recordSeen(user);
    }
  }

  get(discordUserId: string): Promise<Identity | null> {
    return this.identities.get(discordUserId);
  }
}
