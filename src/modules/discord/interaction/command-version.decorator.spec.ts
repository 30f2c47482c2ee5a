import { CommandVersion, commandVersionOf } from './command-version.decorator';

describe('CommandVersion', () => {
  it('stores semver metadata on the handler', () => {
    class Commands {
      @CommandVersion('1.2.3')
      a(): void {}
      @CommandVersion('2.0.0-beta.1', { since: '2.0.0-beta.1', note: 'use /b' })
      b(): void {}
      c(): void {}
    }
    expect(commandVersionOf(Commands.prototype.a)).toEqual({ version: '1.2.3' });
    expect(commandVersionOf(Commands.prototype.b)).toEqual({
      version: '2.0.0-beta.1',
      deprecated: { since: '2.0.0-beta.1', note: 'use /b' },
    });
    expect(commandVersionOf(Commands.prototype.c)).toBeUndefined();
    expect(commandVersionOf(undefined)).toBeUndefined();
  });

  it('refuses versions that are not semver, at decoration time', () => {
    expect(() => CommandVersion('1.0')).toThrow('"1.0" is not a semantic version');
    expect(() => CommandVersion('v1.0.0')).toThrow();
    expect(() => CommandVersion('1.0.0', { since: 'soon', note: 'x' })).toThrow('deprecated.since');
  });
});
