import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { MAX_GUILDS_PER_TOKEN } from '../../auth';
import { SNOWFLAKE, SNOWFLAKE_EXAMPLE, V1Response } from './api-version';

export const GRANT_TYPES = ['discord_code', 'api_key'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
const ROLES = ['admin', 'moderator', 'viewer'] as const;

/** `POST /auth/token`. Field names follow OAuth 2.0 (RFC 6749). */
export class TokenRequestDto {
  @ApiProperty({ enum: GRANT_TYPES, example: 'discord_code' })
  @IsIn(GRANT_TYPES)
  grant_type!: GrantType;

  @ApiPropertyOptional({
    description: 'Discord OAuth2 authorization code (`discord_code`).',
    example: 'NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee',
  })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'discord_code')
  @IsString()
  @Length(1, 512)
  code?: string;

  @ApiPropertyOptional({
    description: 'The `redirect_uri` of the Discord authorization request, when it had one (`discord_code`).',
    example: 'https://meet.example.com/oauth/callback',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  redirect_uri?: string;

  @ApiPropertyOptional({
    description: `Guilds the token should cover (\`discord_code\`, at most ${MAX_GUILDS_PER_TOKEN}); the user must be a member of each.`,
    type: [String],
    example: [SNOWFLAKE_EXAMPLE],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_GUILDS_PER_TOKEN)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SNOWFLAKE, { each: true, message: 'each value in guild_ids must be a Discord id' })
  guild_ids?: string[];

  @ApiPropertyOptional({
    description: 'A guild API key (`api_key`).',
    example: 'kd_live_3q2-7wEvr0T8JEOXnUqNjqC4gU5oTqAUN1rZqzXoL8s',
  })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'api_key')
  @IsString()
  @Length(1, 256)
  api_key?: string;
}

/** `POST /auth/refresh`. */
export class RefreshRequestDto {
  @ApiProperty({ example: 'kd_rt_Jr9n0bT0R1VxT4nq6xQmY2ZbJ8l1u0bA3c7YVtqk2s' })
  @IsString()
  @Length(1, 256)
  refresh_token!: string;
}

export class TokenGuildDto {
  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  guild_id!: string;

  @ApiProperty({ enum: ROLES, example: 'moderator' })
  role!: (typeof ROLES)[number];
}

/** A token grant. Field names follow OAuth 2.0 (RFC 6749 §5.1). */
export class TokenResponseDto extends V1Response {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXAiOiJ1c2VyIn0.c2lnbmF0dXJl' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires (`JWT_EXPIRY`).', example: 900 })
  expires_in!: number;

  @ApiPropertyOptional({
    description: 'Single-use refresh token (Discord sign-ins only); each use returns a new one.',
    example: 'kd_rt_Jr9n0bT0R1VxT4nq6xQmY2ZbJ8l1u0bA3c7YVtqk2s',
  })
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'Seconds until the refresh token expires.', example: 2592000 })
  refresh_token_expires_in?: number;

  @ApiProperty({ enum: ['user', 'api_key'], example: 'user' })
  subject_type!: 'user' | 'api_key';

  @ApiProperty({ description: 'Discord user id, or the API key id.', example: SNOWFLAKE_EXAMPLE })
  subject!: string;

  @ApiProperty({ type: [TokenGuildDto], description: 'The guilds the token covers and the role in each.' })
  guilds!: TokenGuildDto[];
}

export class MeGuildDto {
  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  guildId!: string;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  role!: (typeof ROLES)[number];
}

/** `GET /auth/me`: who the token speaks for. */
export class MeResponseDto extends V1Response {
  @ApiProperty({ enum: ['user', 'api_key'], example: 'user' })
  kind!: 'user' | 'api_key';

  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  subject!: string;

  @ApiProperty({ example: 'Alice' })
  displayName!: string;

  @ApiPropertyOptional({
    description: 'The Kaltura user id (users only).',
    example: `discord_${SNOWFLAKE_EXAMPLE}`,
  })
  kalturaUserId?: string;

  @ApiProperty({ type: [MeGuildDto] })
  guilds!: MeGuildDto[];

  @ApiProperty({ example: '2025-01-01T12:15:00.000Z' })
  expiresAt!: string;
}
