// The reliability suite (`npm run test:reliability`): fuzzing, crashes, signals, store failure,
// limits and a soak. Slow by nature, so kept out of `npm test`.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/reliability/**/*.reliability.ts'],
  testTimeout: 600_000,
  verbose: true,
};
