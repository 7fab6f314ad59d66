// Time to first byte, first paint and hydration of the member dashboard in Debian's chromium,
// for a first visit (empty cache) and a repeat visit (service worker and cache warm), on this
// machine as it is and throttled like a mid-range phone on a slow mobile network (the figures
// Lighthouse's mobile profile simulates). Prints a Markdown table for `make bench`.
// Usage: node end2end/bench/hydration.mjs http://127.0.0.1:3200   (BENCH_BROWSER_RUNS, default 10)
import { chromium } from '@playwright/test';
import { PHONE, newMemberPage } from './member-page.mjs';

const base = process.argv[2];
const runs = Math.max(1, Number(process.env.BENCH_BROWSER_RUNS || 10));
const profiles = [{ name: 'this machine', cpu: 1, network: null }, PHONE];

async function visit(page) {
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { ttfb: nav.responseStart, fcp: fcp ? fcp.startTime : NaN, hydrated: window.__hydratedAt };
  });
}

// Over the visits that have the figure (a paint Chromium did not report is left out).
const quantile = (xs, q) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
console.log(`\n### Dashboard in Chromium ${browser.version()}, ${runs} visits each (p50 / p90)\n`);
console.log('| Profile | Visit | Time to first byte | First contentful paint | Hydrated |');
console.log('|---|---|---|---|---|');
try {
  for (const profile of profiles) {
    const first = [];
    const repeat = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await newMemberPage(browser, base, profile);
      first.push(await visit(page));
      repeat.push(await visit(page));
      await context.close();
    }
    for (const [visitName, xs] of [['first', first], ['repeat', repeat]]) {
      const cell = (k) => `${ms(quantile(xs.map((x) => x[k]), 0.5))} / ${ms(quantile(xs.map((x) => x[k]), 0.9))}`;
      console.log(`| ${profile.name} | ${visitName} | ${cell('ttfb')} | ${cell('fcp')} | ${cell('hydrated')} |`);
    }
  }
} finally {
  await browser.close();
}
