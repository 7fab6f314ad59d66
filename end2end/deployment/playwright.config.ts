import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The deployment checks (scripts/failover.sh): same browser settings, their own folder, so the
// main suite never runs them against a single server.
export default defineConfig({
  ...base,
  testDir: '.',
  timeout: 60_000,
});
