import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPE_PATTERN } from '../../webhooks-out';
import { SNOWFLAKE_EXAMPLE } from './api-version';

const URL_EXAMPLE = 'https://lms.example.edu/hooks/kaltura-discord';

const EVENT_TYPES_MESSAGE = 'each event type must look like meeting.started, or be *';

/** `POST /guilds/:guildId/webhooks`. */
export class CreateWebhookDto {
  @ApiProperty({
    example: URL_EXAMPLE,
    description: 'Where deliveries go: `https://` on a public address (see OUTGOING_WEBHOOKS_ALLOW_PRIVATE).',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    type: [String],
    example: ['meeting.started', 'meeting.ended', 'recording.ready'],
    description: 'Event types to deliver (docs/events.md), or `["*"]` for all.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: EVENT_TYPES_MESSAGE })
  eventTypes!: string[];

  @ApiPropertyOptional({ example: 'LMS gradebook sync', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'description must not contain control characters' })
  description?: string;

  @ApiPropertyOptional({
    description: 'false pauses deliveries; true resumes a paused or disabled endpoint.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** `PATCH /guilds/:guildId/webhooks/:id`: only what is given changes. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

/** An endpoint as the API shows it: never the secret. */
export class WebhookEndpointDto {
  @ApiProperty({ example: 'we_5f1c0a9e3b7d2c4a6e8f0b1d' })
  id!: string;
  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  guildId!: string;
  @ApiProperty({ example: URL_EXAMPLE })
  url!: string;
  @ApiProperty({ type: [String], example: ['meeting.started'] })
  eventTypes!: string[];
  @ApiProperty({ example: '' })
  description!: string;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the service disabled it.' })
  disabledReason!: string | null;
  @ApiProperty({ example: 0, description: 'Failed requests in a row.' })
  consecutiveFailures!: number;
  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  createdBy!: string;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' })
  createdAt!: string;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' })
  updatedAt!: string;
}

export class WebhookEndpointResponseDto {
  @ApiProperty({ example: '1' })
  apiVersion!: string;
  @ApiProperty({ type: WebhookEndpointDto })
  webhook!: WebhookEndpointDto;
}

/** Create and rotate: the secret, shown this once. */
export class WebhookSecretResponseDto extends WebhookEndpointResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Signing secret (Standard Webhooks format). Shown only in this response: store it now.',
  })
  secret!: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ example: '1' })
  apiVersion!: string;
  @ApiProperty({ type: [WebhookEndpointDto] })
  items!: WebhookEndpointDto[];
}
