import { Module } from '@nestjs/common';
import { MeetingsModule } from '../meetings';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { MeetingsController } from './meetings.controller';

/**
 * The versioned REST API (`/api/v1/...`): thin controllers over the auth and meetings use cases. Guards, rate
 * limits and tokens come from the (global) auth module; errors leave as problem+json through the platform filter.
 */
@Module({
  imports: [MeetingsModule],
  controllers: [AuthController, ApiKeysController, MeetingsController],
})
export class GatewayModule {}
