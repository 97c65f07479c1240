// Jest runs the TypeScript sources as native ES modules (oidc-provider is ESM-only).
// `npm test` needs nothing installed beyond npm packages; the real-browser journeys need Debian's
// Chromium, so they run as their own command (`npm run test:browser`, jest.browser.config.js).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2024', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/examples/'],
  testTimeout: 30000,
};
