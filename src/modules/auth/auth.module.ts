import { Global, Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { RedisConnections } from '../../platform/cache';
import { Settings } from '../../platform/settings';
import { repositoryProvider } from '../../platform/persistence';
import { GuildConfigModule } from '../config';
import { KalturaModule } from '../kaltura';
import { AccessTokenService } from './access-token.service';
import { ApiKeyRepository } from './api-key.port';
import { ApiKeyService } from './api-key.service';
import { RATE_LIMITS } from './auth.constants';
import { DiscordOAuthClient } from './discord-oauth.client';
import { ApiThrottlerGuard, isAuthThrottled, isWebhookThrottled } from './guards/api-throttler.guard';
import { ApiTokenGuard, GuildAccessGuard, GuildAdminGuard } from './guards/auth.guards';
import { createThrottlerStorage } from './guards/throttler-storage';
import { IdentityRepository } from './identity.port';
import { IdentityService } from './identity.service';
import { MemoryApiKeyRepository } from './persistence/api-key.memory.repository';
import { MongoApiKeyRepository } from './persistence/api-key.mongo.repository';
import { MemoryIdentityRepository } from './persistence/identity.memory.repository';
import { MongoIdentityRepository } from './persistence/identity.mongo.repository';
import { MemoryRefreshTokenRepository } from './persistence/refresh-token.memory.repository';
import { MongoRefreshTokenRepository } from './persistence/refresh-token.mongo.repository';
import { RefreshTokenRepository } from './refresh-token.port';
import { RefreshTokenService } from './refresh-token.service';
import { RoleMappingService } from './role-mapping.service';
import { TokenService } from './token.service';

const SERVICES = [
  RoleMappingService,
  IdentityService,
  AccessTokenService,
  RefreshTokenService,
  ApiKeyService,
  DiscordOAuthClient,
  TokenService,
];
const GUARDS = [ApiTokenGuard, GuildAccessGuard, GuildAdminGuard, ApiThrottlerGuard];

/**
 * Identity, roles, tokens, API keys, guards and rate limits. Global, so any module's controller can use the
 * guards and decorators without importing this module.
 */
@Global()
@Module({
  imports: [
    GuildConfigModule,
    KalturaModule,
    // The secret is passed on every sign/verify call instead (AccessTokenService), so it is never defaulted.
    // A KeyObject built once: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on
    // every call, which was most of the API's CPU time.
    JwtModule.registerAsync({
      inject: [Settings],
      useFactory: (settings: Settings) => ({
        secret: createSecretKey(Buffer.from(settings.jwt.secret, 'utf8')),
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) => ({
        throttlers: [
          {
            name: 'default',
            limit: RATE_LIMITS.default.limit,
            ttl: RATE_LIMITS.default.ttlMs,
            skipIf: (context) => isAuthThrottled(context) || isWebhookThrottled(context),
          },
          {
            name: 'auth',
            limit: RATE_LIMITS.auth.limit,
            ttl: RATE_LIMITS.auth.ttlMs,
            skipIf: (context) => !isAuthThrottled(context),
          },
          {
            name: 'webhook',
            limit: RATE_LIMITS.webhook.limit,
            ttl: RATE_LIMITS.webhook.ttlMs,
            skipIf: (context) => !isWebhookThrottled(context),
          },
        ],
        storage: createThrottlerStorage(redis),
      }),
    }),
  ],
  providers: [
    ...SERVICES,
    ...GUARDS,
    repositoryProvider(IdentityRepository, {
      memory: () => new MemoryIdentityRepository(),
      mongo: (c) => new MongoIdentityRepository(c),
    }),
    repositoryProvider(ApiKeyRepository, {
      memory: () => new MemoryApiKeyRepository(),
      mongo: (c) => new MongoApiKeyRepository(c),
    }),
    repositoryProvider(RefreshTokenRepository, {
      memory: () => new MemoryRefreshTokenRepository(),
      mongo: (c) => new MongoRefreshTokenRepository(c),
    }),
  ],
  exports: [...SERVICES, ...GUARDS],
})
export class AuthModule {}
