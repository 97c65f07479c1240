// The real-browser journeys (`npm run test:browser`): Chromium through playwright-core.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 90_000,
};
