// The interop suite (`npm run test:interop`): relying parties from other ecosystems, installed from
// Debian packages (.ci/install-interop.sh), against Guestlist running as its own process: Apache
// with mod_auth_openidc driven by Chromium, Python's authlib, and Go's go-oidc.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/interop/**/*.interop.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120_000,
  verbose: true,
};
