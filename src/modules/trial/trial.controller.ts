import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { API_VERSION } from '../../platform/http';
import { ApiProblem, AuthRateLimit } from '../auth';
import { DiscordMessages, TrialMessage, TrialOutbox } from '../notification';
import { TrialSignIn } from './trial-sign-in.service';
import { TRIAL_CHANNEL_ID, TRIAL_GUILD_ID, TRIAL_MEMBER_NAMES, TrialMemberName } from './trial.world';

export class TrialTokenRequestDto {
  @ApiProperty({ enum: TRIAL_MEMBER_NAMES, example: 'ada' })
  @IsIn(TRIAL_MEMBER_NAMES, { message: `member must be one of: ${TRIAL_MEMBER_NAMES.join(', ')}` })
  member!: TrialMemberName;
}

/**
 * `/api/v1/dev/*`: trial mode only (the module is not mounted otherwise, so these routes are 404 in production,
 * with real Kaltura credentials or with a bot token). A demo sign-in and the messages the bot would have posted.
 */
@ApiTags('trial')
@Controller({ path: 'dev', version: API_VERSION })
export class TrialController {
  constructor(
    private readonly signIn: TrialSignIn,
    private readonly discord: DiscordMessages,
  ) {}

  @Post('token')
  @HttpCode(200)
  @AuthRateLimit()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Trial only: an access token for a demo member of the demo guild',
    description: '`ada` can manage the demo guild (admin); `bo` is an ordinary member (viewer).',
  })
  @ApiProblem(400, 'Unknown member.')
  async token(@Body() body: TrialTokenRequestDto) {
    const grant = await this.signIn.signIn(body.member);
    return {
      apiVersion: API_VERSION,
      access_token: grant.access.token,
      token_type: 'Bearer',
      expires_in: grant.access.expiresIn,
      guildId: TRIAL_GUILD_ID,
      channelId: TRIAL_CHANNEL_ID,
      member: { id: grant.memberId, name: grant.displayName, role: grant.role },
    };
  }

  @Get('discord-messages')
  @ApiOperation({ summary: 'Trial only: the Discord messages the bot would have posted, newest first' })
  @ApiOkResponse({ description: '`{ apiVersion, items: [{ id, channelId, at, body }] }`' })
  messages(): { apiVersion: string; items: TrialMessage[] } {
    const items = this.discord instanceof TrialOutbox ? this.discord.messages() : [];
    return { apiVersion: API_VERSION, items };
  }
}
