import { BadRequestException, InternalServerErrorException } from '@nestjs/common';
import { DomainError, UnavailableError, ValidationFailedError } from '../../../platform/errors';
import { KalturaRejectedError, KalturaUnavailableError } from '../../kaltura';
import { MeetingEndedError } from '../../meetings';
import { HTTPError } from 'discord.js';
import { DISCORD_UNAVAILABLE, KALTURA_UNREACHABLE, discordErrorCode, replyForError } from './error-replies';

describe('replyForError', () => {
  it.each([
    [new KalturaUnavailableError('circuit_open'), KALTURA_UNREACHABLE, 'failed'],
    [
      new KalturaRejectedError('SERVICE_FORBIDDEN'),
      'Kaltura refused the request (SERVICE_FORBIDDEN). If this keeps happening, ask an admin to check the Kaltura settings.',
      'failed',
    ],
    [new MeetingEndedError(), 'This meeting has ended.', 'refused'],
    [
      new ValidationFailedError([{ field: 'title', message: 'is required' }], 'Title is required.'),
      'Title is required.',
      'refused',
    ],
    [new UnavailableError('X', 'Storage is down; try again.'), 'Storage is down; try again.', 'failed'],
    [new BadRequestException(), "You can't do that here.", 'refused'],
  ])('%s → %s', (error, content, outcome) => {
    expect(replyForError(error, 'ref-1')).toEqual({ content, outcome });
  });

  it('names Discord refusals by code', () => {
    const error = Object.assign(new Error('Missing Access'), { code: 50001, status: 403 });
    expect(discordErrorCode(error)).toBe(50001);
    expect(replyForError(error, 'r')).toEqual({
      content:
        'Discord refused that action (code 50001). Check that the bot can see and post in this channel.',
      outcome: 'failed',
    });
  });

  it('tells a Discord outage (5xx, timeout) apart from a bug', () => {
    const http = new HTTPError(
      502,
      'Bad Gateway',
      'POST',
      'https://discord.test/api/v10/channels/1/messages',
      {
        body: undefined,
        files: undefined,
      },
    );
    const timeout = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    for (const error of [http, timeout]) {
      expect(replyForError(error, 'r')).toEqual({ content: DISCORD_UNAVAILABLE, outcome: 'failed' });
    }
  });

  it('hides everything about unexpected errors but the reference', () => {
    for (const error of [
      new Error('db password is hunter2'),
      new InternalServerErrorException('x'),
      'string',
      null,
    ]) {
      expect(replyForError(error, 'interaction-42')).toEqual({
        content: 'Something went wrong on our side. Reference: interaction-42',
        outcome: 'bug',
      });
    }
    expect(discordErrorCode({ code: 'ECONNRESET' })).toBeUndefined();
    expect(replyForError(new DomainError('X', 'safe text', 418), 'r').content).toBe('safe text');
  });
});
