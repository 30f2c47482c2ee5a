import type { Socket } from 'socket.io';
import { handshakeSubscription, handshakeToken, parseSubscribe } from './ws-handshake';

const socketWith = (auth: unknown, query: Record<string, unknown> = {}): Socket =>
  ({ handshake: { auth, query } }) as unknown as Socket;

describe('WebSocket handshake and subscribe payloads', () => {
  it('takes the token from auth.token only, never from the query string', () => {
    expect(handshakeToken(socketWith({ token: 'abc' }))).toBe('abc');
    expect(handshakeToken(socketWith({}, { token: 'abc' }))).toBeUndefined();
    expect(handshakeToken(socketWith({ token: 42 }))).toBeUndefined();
    expect(handshakeToken(socketWith({ token: '' }))).toBeUndefined();
    expect(handshakeToken(socketWith({ token: 'x'.repeat(9_000) }))).toBeUndefined();
  });

  it('reads a handshake subscription from auth, else from the query', () => {
    expect(handshakeSubscription(socketWith({ token: 't' }))).toBeNull();
    expect(handshakeSubscription(socketWith({ guildId: '1', lastEventId: 'e' }))).toEqual({
      guildId: '1',
      lastEventId: 'e',
    });
    expect(handshakeSubscription(socketWith({}, { guildId: '2' }))).toEqual({ guildId: '2' });
    expect(handshakeSubscription(socketWith({ guildId: '1' }, { guildId: '2' }))).toEqual({ guildId: '1' });
    // A resume point without a guild is a mistake, not "no subscription".
    expect(handshakeSubscription(socketWith({ lastEventId: 'e' }))).toBe('invalid');
    expect(handshakeSubscription(socketWith({}, { guildId: ['1', '2'] }))).toBe('invalid');
  });

  it('accepts only short strings in subscribe', () => {
    expect(parseSubscribe({ guildId: '1' })).toEqual({ guildId: '1' });
    expect(parseSubscribe({ guildId: '1', lastEventId: null })).toEqual({ guildId: '1' });
    expect(parseSubscribe({ guildId: '1', lastEventId: '' })).toEqual({ guildId: '1' });
    for (const bad of [
      null,
      'x',
      [],
      {},
      { guildId: 1 },
      { guildId: 'x'.repeat(129) },
      { guildId: '1', lastEventId: 5 },
    ])
      expect(parseSubscribe(bad)).toBe('invalid');
  });
});
