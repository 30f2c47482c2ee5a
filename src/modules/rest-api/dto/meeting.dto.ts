import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MEETING_LIMITS, MEETING_TYPES, MeetingType } from '../../meetings';
import { SNOWFLAKE, SNOWFLAKE_EXAMPLE, V1Response } from './api-version';

/** `POST /guilds/:guildId/meetings`. */
export class CreateMeetingDto {
  @ApiProperty({ example: 'Weekly standup', minLength: 1, maxLength: MEETING_LIMITS.titleMax })
  @IsString()
  @MinLength(1)
  @MaxLength(MEETING_LIMITS.titleMax)
  title!: string;

  @ApiProperty({ enum: MEETING_TYPES, example: 'meeting' })
  @IsIn(MEETING_TYPES)
  type!: MeetingType;

  @ApiPropertyOptional({ example: 'Sprint 12 planning', maxLength: MEETING_LIMITS.descriptionMax })
  @IsOptional()
  @IsString()
  @MaxLength(MEETING_LIMITS.descriptionMax)
  description?: string;

  @ApiPropertyOptional({ description: 'Discord channel the meeting belongs to.', example: SNOWFLAKE_EXAMPLE })
  @IsOptional()
  @IsString()
  @Matches(SNOWFLAKE, { message: 'channelId must be a Discord id' })
  channelId?: string;
}

export class MeetingDto {
  @ApiProperty({ example: 'a1B2c3D4e5' })
  id!: string;

  @ApiProperty({ example: SNOWFLAKE_EXAMPLE })
  guildId!: string;

  @ApiProperty({ nullable: true, type: String, example: SNOWFLAKE_EXAMPLE })
  channelId!: string | null;

  @ApiProperty({ description: 'Discord user id of the host.', example: SNOWFLAKE_EXAMPLE })
  hostId!: string;

  @ApiProperty({ example: 'Alice' })
  hostName!: string;

  @ApiProperty({ example: 'Weekly standup' })
  title!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  description!: string | null;

  @ApiProperty({ enum: MEETING_TYPES, example: 'meeting' })
  type!: MeetingType;

  @ApiProperty({ enum: ['active', 'ended'], example: 'active' })
  status!: 'active' | 'ended';

  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  endedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who ended it (user id, or `kaltura`).',
    example: null,
  })
  endedBy!: string | null;
}

export class MeetingResponseDto extends V1Response {
  @ApiProperty({ type: MeetingDto })
  meeting!: MeetingDto;
}

export class MeetingListDto extends V1Response {
  @ApiProperty({ type: [MeetingDto], description: 'Active meetings, newest first.' })
  items!: MeetingDto[];
}

/** `POST /guilds/:guildId/meetings/:id/join`: the caller's personal link. */
export class JoinResponseDto extends V1Response {
  @ApiProperty({ example: 'a1B2c3D4e5' })
  meetingId!: string;

  @ApiProperty({
    description: 'Personal launch URL. It carries a Kaltura session: do not share or log it.',
    example: 'https://12345.kaf.kaltura.com/virtualEvent/launch?ks=djJ8…',
  })
  url!: string;

  @ApiProperty({ enum: ['admin', 'moderator', 'viewer'], example: 'viewer' })
  role!: 'admin' | 'moderator' | 'viewer';

  @ApiProperty({ description: 'When the link stops working.', example: '2025-01-01T12:15:00.000Z' })
  expiresAt!: string;
}

export class MeetingAttendanceCountDto {
  @ApiProperty({ description: 'Members who took a personal link.', example: 12 })
  members!: number;
}

/** `GET /guilds/:guildId/meetings/:id`: the meeting with what happened around it. */
export class MeetingDetailDto extends MeetingDto {
  @ApiProperty({ type: MeetingAttendanceCountDto })
  attendance!: MeetingAttendanceCountDto;

  @ApiProperty({
    description:
      'Distinct Kaltura recordings announced for the meeting (counted even where the guild posts none).',
    example: 1,
  })
  recordings!: number;
}

export class MeetingDetailResponseDto extends V1Response {
  @ApiProperty({ type: MeetingDetailDto })
  meeting!: MeetingDetailDto;
}

export class AttendeeDto {
  @ApiProperty({
    description: 'Discord user id (or `service_<id>`-style subject of an API key).',
    example: SNOWFLAKE_EXAMPLE,
  })
  memberId!: string;

  @ApiProperty({ example: 'Alice' })
  displayName!: string;

  @ApiProperty({ enum: ['viewer', 'moderator', 'admin'], description: 'Kaltura role of the latest link.' })
  role!: string;

  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' })
  firstLinkAt!: string;

  @ApiProperty({ example: '2025-01-01T12:30:00.000Z' })
  lastLinkAt!: string;

  @ApiProperty({ description: 'Personal links taken.', example: 2 })
  links!: number;
}

/** `GET /guilds/:guildId/meetings/:id/attendance`. */
export class AttendanceResponseDto extends V1Response {
  @ApiProperty({ example: 'a1B2c3D4e5' })
  meetingId!: string;

  @ApiProperty({ example: 2 })
  members!: number;

  @ApiProperty({
    description: 'True when the list reached the per-meeting cap (1,000): later members were not recorded.',
    example: false,
  })
  capped!: boolean;

  @ApiProperty({ type: [AttendeeDto], description: 'First link first.' })
  items!: AttendeeDto[];
}
