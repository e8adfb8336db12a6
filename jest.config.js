/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    // @fastify/static (the OpenAPI UI's files) requires content-disposition 3, an ES module,
    // which Node loads but Jest's CommonJS runtime does not: that one file is compiled to CommonJS.
    '/content-disposition/dist/index\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/dist/)'],
  testEnvironment: 'node',
  // Every answer a suite gets is checked against openapi.json and schema.graphql.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
  testTimeout: 20000,
};
