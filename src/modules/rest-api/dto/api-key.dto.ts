import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SNOWFLAKE_EXAMPLE, V1Response } from './api-version';

const ROLES = ['admin', 'moderator', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** `POST /guilds/:guildId/api-keys`. */
export class CreateApiKeyDto {
  @ApiProperty({
    description: 'What the key is for (shown in lists).',
    example: 'LMS integration',
    minLength: 1,
    maxLength: 64,
  })
  @IsString()
  @Length(1, 64)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiPropertyOptional({
    enum: ROLES,
    default: 'moderator',
    description: 'Role its tokens carry in the guild.',
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

/** An API key as listed: never the key itself. */
export class ApiKeyDto {
  @ApiProperty({ example: 'ak_5f1c0a9e3b7d2c4a6e8f0b1d' })
  id!: string;

  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  guildId!: string;

  @ApiProperty({ example: 'LMS integration' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'moderator' })
  role!: Role;

  @ApiProperty({
    description: 'The first characters of the key, to tell keys apart.',
    example: 'kd_live_3q2-…',
  })
  hint!: string;

  @ApiProperty({ description: 'Discord user id of the admin who created it.', example: SNOWFLAKE_EXAMPLE })
  createdBy!: string;

  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  lastUsedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  revokedAt!: string | null;
}

export class ApiKeyResponseDto extends V1Response {
  @ApiProperty({ type: ApiKeyDto })
  apiKey!: ApiKeyDto;
}

/** The answer to creating a key: the only time the key is shown. */
export class ApiKeyCreatedDto extends ApiKeyResponseDto {
  @ApiProperty({
    description: 'The key. Store it now: it is not shown again and cannot be recovered.',
    example: 'kd_live_3q2-7wEvr0T8JEOXnUqNjqC4gU5oTqAUN1rZqzXoL8s',
  })
  key!: string;
}

export class ApiKeyListDto extends V1Response {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
}
