/**
 * Two projects: `unit` (specs beside their source, in-memory fakes) and `e2e` (test/: real sockets against
 * Redis and the local fake Discord/Kaltura servers). `npm test` runs both.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/../test/support/loopback-only.ts'],
};
module.exports = {
  // A global option: jest ignores it inside a project.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      setupFiles: ['<rootDir>/test/support/loopback-only.ts'],
      testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
    },
  ],
};
