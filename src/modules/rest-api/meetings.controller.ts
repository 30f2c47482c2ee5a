import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Injectable,
  Param,
  PipeTransform,
  Post,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblem, CurrentPrincipal, GuildMember, Principal } from '../auth';
import { MEETING_ID_PATTERN, MeetingActor, MeetingNotFoundError, MeetingsService } from '../meetings';
import { ATTENDANCE_CAP_PER_MEETING, AttendanceRepository, MeetingDirectory } from '../notification';
import {
  API_V1,
  CreateMeetingDto,
  AttendanceResponseDto,
  JoinResponseDto,
  MeetingDetailResponseDto,
  MeetingListDto,
  MeetingResponseDto,
  SNOWFLAKE_EXAMPLE,
} from './dto';
import { toAttendeeDto, toMeetingDto } from './rest-api.mappers';

/** A malformed meeting id names no meeting: 404 without touching storage. */
@Injectable()
export class MeetingIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !MEETING_ID_PATTERN.test(value)) throw new MeetingNotFoundError();
    return value;
  }
}

/**
 * The caller as the meetings use cases see them; the guild guard has checked the role exists. A user's Discord
 * roles are looked up by the use case when the guild's command rules need them; an API key acts with its role.
 */
function actor(principal: Principal, guildId: string): MeetingActor {
  return {
    userId: principal.subject,
    displayName: principal.displayName,
    role: principal.guilds[guildId],
    access: { via: principal.kind === 'api_key' ? 'api-key' : 'rest-user' },
  };
}

/**
 * `/api/v1/guilds/:guildId/meetings`: the meeting use cases over REST, for members of the guild. A thin
 * transport: rules (who may end, roles in Kaltura) live in the meetings module.
 */
@ApiTags('meetings')
@ApiParam({ name: 'guildId', example: SNOWFLAKE_EXAMPLE })
@Controller({ path: 'guilds/:guildId/meetings', version: API_V1 })
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly attendance: AttendanceRepository,
    private readonly directory: MeetingDirectory,
  ) {}

  @Get()
  @GuildMember()
  @ApiOperation({ summary: "List the guild's active meetings" })
  @ApiOkResponse({ type: MeetingListDto })
  async list(
    @Param('guildId') guildId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MeetingListDto> {
    const items = await this.meetings.list(guildId, actor(principal, guildId));
    return { apiVersion: API_V1, items: items.map(toMeetingDto) };
  }

  @Post()
  @GuildMember('viewer', { userOnly: true })
  @ApiOperation({
    summary: 'Start a meeting hosted by the caller',
    description:
      'Creates the Kaltura room. The same start again (same caller, channel and title) within 60 s answers 200 ' +
      'with the meeting the first one made. Counts against the command budgets (429 with `Retry-After`).',
  })
  @ApiCreatedResponse({ type: MeetingResponseDto })
  @ApiOkResponse({
    type: MeetingResponseDto,
    description: 'An identical start moments before made this meeting.',
  })
  @ApiProblem(400, 'Invalid request.')
  @ApiProblem(409, 'The caller or the guild is at its cap of active meetings.')
  @ApiProblem(503, 'Kaltura cannot be reached.')
  async create(
    @Param('guildId') guildId: string,
    @Body() body: CreateMeetingDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MeetingResponseDto> {
    const { meeting, reused } = await this.meetings.start({
      guildId,
      channelId: body.channelId ?? null,
      host: actor(principal, guildId),
      title: body.title,
      description: body.description ?? null,
      type: body.type,
    });
    if (reused) res.status(200);
    return { apiVersion: API_V1, meeting: toMeetingDto(meeting) };
  }

  @Get(':id')
  @GuildMember()
  @ApiOperation({ summary: 'Get a meeting of the guild' })
  @ApiParam({ name: 'id', example: 'a1B2c3D4e5' })
  @ApiOkResponse({ type: MeetingDetailResponseDto })
  @ApiProblem(404, 'No such meeting in this guild.')
  async get(
    @Param('guildId') guildId: string,
    @Param('id', MeetingIdPipe) id: string,
  ): Promise<MeetingDetailResponseDto> {
    const meeting = await this.meetings.get(guildId, id);
    const [members, recordings] = await Promise.all([
      this.attendance.count(meeting.id),
      this.directory.recordingCount(meeting.id),
    ]);
    return {
      apiVersion: API_V1,
      meeting: { ...toMeetingDto(meeting), attendance: { members }, recordings },
    };
  }

  @Get(':id/attendance')
  @GuildMember('moderator')
  @ApiOperation({
    summary: 'Who took a personal link for a meeting (moderators)',
    description: `First link first; at most ${ATTENDANCE_CAP_PER_MEETING} members per meeting.`,
  })
  @ApiParam({ name: 'id', example: 'a1B2c3D4e5' })
  @ApiOkResponse({ type: AttendanceResponseDto })
  @ApiProblem(404, 'No such meeting in this guild.')
  async attendanceOf(
    @Param('guildId') guildId: string,
    @Param('id', MeetingIdPipe) id: string,
  ): Promise<AttendanceResponseDto> {
    // The meeting is looked up in this guild first: another guild's meeting is 404 like any unknown one.
    const meeting = await this.meetings.get(guildId, id);
    const items = await this.attendance.list(meeting.id);
    return {
      apiVersion: API_V1,
      meetingId: meeting.id,
      members: items.length,
      capped: items.length >= ATTENDANCE_CAP_PER_MEETING,
      items: items.map(toAttendeeDto),
    };
  }

  @Delete(':id')
  @GuildMember()
  @ApiOperation({
    summary: 'End a meeting (host or guild admin)',
    description: 'Ending an ended meeting is harmless.',
  })
  @ApiParam({ name: 'id', example: 'a1B2c3D4e5' })
  @ApiOkResponse({ type: MeetingResponseDto })
  @ApiProblem(404, 'No such meeting in this guild.')
  @ApiProblem(503, 'Kaltura cannot be reached.')
  async end(
    @Param('guildId') guildId: string,
    @Param('id', MeetingIdPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MeetingResponseDto> {
    const meeting = await this.meetings.end(guildId, id, actor(principal, guildId));
    return { apiVersion: API_V1, meeting: toMeetingDto(meeting) };
  }

  @Post(':id/join')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @GuildMember('viewer', { userOnly: true })
  @ApiOperation({
    summary: "The caller's personal join link",
    description: 'Role from the Discord role mapping; the host is moderator of their own meeting.',
  })
  @ApiParam({ name: 'id', example: 'a1B2c3D4e5' })
  @ApiOkResponse({ type: JoinResponseDto })
  @ApiProblem(404, 'No such meeting in this guild.')
  @ApiProblem(409, 'The meeting has ended.')
  @ApiProblem(503, 'Kaltura cannot be reached.')
  async join(
    @Param('guildId') guildId: string,
    @Param('id', MeetingIdPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JoinResponseDto> {
    const result = await this.meetings.join(guildId, id, actor(principal, guildId));
    return {
      apiVersion: API_V1,
      meetingId: result.meeting.id,
      url: result.url,
      role: result.role,
      expiresAt: result.expiresAt.toISOString(),
    };
  }
}
