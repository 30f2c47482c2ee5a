import { PermanentDeliveryError, classifyDiscordError } from './discord-errors';

describe('classifying Discord failures', () => {
  it('retries rate limits no sooner than retry_after', () => {
    expect(
      classifyDiscordError({
        name: 'RateLimitError[/channels/:id/messages]',
        retryAfter: 3_500,
        global: false,
      }),
    ).toMatchObject({
      retryable: true,
      retryAfterMs: 3_500,
      outcome: 'rate_limited',
    });
    expect(classifyDiscordError({ status: 429, rawError: { retry_after: 1.5 } })).toMatchObject({
      retryable: true,
      retryAfterMs: 1_500,
    });
  });

  it('retries 5xx, timeouts and network errors', () => {
    expect(classifyDiscordError({ name: 'HTTPError', status: 502 })).toMatchObject({
      retryable: true,
      outcome: 'server_error',
    });
    expect(classifyDiscordError({ name: 'AbortError' })).toMatchObject({
      retryable: true,
      outcome: 'network_error',
    });
    expect(
      classifyDiscordError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ).toMatchObject({
      retryable: true,
      message: 'Network error reaching Discord (ECONNRESET)',
    });
    expect(
      classifyDiscordError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).toMatchObject({ retryable: true, message: 'Network error reaching Discord (ECONNREFUSED)' });
  });

  it('does not retry a refusal (unknown channel, missing access, bad body)', () => {
    expect(
      classifyDiscordError({
        name: 'DiscordAPIError[10003]',
        status: 404,
        code: 10003,
        rawError: { message: 'Unknown Channel' },
      }),
    ).toEqual({
      retryable: false,
      retryAfterMs: 0,
      message: 'Discord refused the message (404 code 10003): Unknown Channel',
      outcome: 'rejected',
    });
    expect(classifyDiscordError(new PermanentDeliveryError('No channel named "x"'))).toMatchObject({
      retryable: false,
    });
  });
});
