/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  testEnvironment: 'node',
  // Every answer a suite gets is checked against openapi.json and schema.graphql.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
  testTimeout: 20000,
};
