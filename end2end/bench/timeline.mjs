// Where a throttled phone's first visit to the member dashboard spends its time: when each
// file the page fetches starts and ends, and when the page becomes interactive. A companion
// of hydration.mjs for finding what to cut (BENCHMARKS.md, issue 16); prints medians.
// Usage: node end2end/bench/timeline.mjs http://127.0.0.1:3200   (BENCH_BROWSER_RUNS, default 5)
import { chromium } from '@playwright/test';
import { PHONE, newMemberPage } from './member-page.mjs';

const base = process.argv[2];
const runs = Math.max(1, Number(process.env.BENCH_BROWSER_RUNS || 5));

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor(s.length / 2)]) : NaN;
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const rows = new Map();
try {
  for (let i = 0; i < runs; i++) {
    const { context, page } = await newMemberPage(browser, base, PHONE);
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
    const marks = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const out = [
        ['document', nav.startTime, nav.responseEnd, nav.encodedBodySize],
        ['DOMContentLoaded', nav.domContentLoadedEventEnd, nav.domContentLoadedEventEnd, 0],
      ];
      for (const r of performance.getEntriesByType('resource')) {
        const name = r.name.split('/').pop().replace(/\.[0-9a-f]{8,}\./, '.');
        out.push([name, r.startTime, r.responseEnd, r.encodedBodySize]);
      }
      out.push(['hydrated', window.__hydratedAt, window.__hydratedAt, 0]);
      return out;
    });
    for (const [name, start, end, size] of marks) {
      if (!rows.has(name)) rows.set(name, { start: [], end: [], size: [] });
      const row = rows.get(name);
      row.start.push(start);
      row.end.push(end);
      row.size.push(size);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`\n### Phone first visit (4x CPU, slow 4G), medians of ${runs}\n`);
console.log('| what | starts | ends | bytes |');
console.log('|---|---|---|---|');
for (const [name, row] of rows) {
  console.log(`| ${name} | ${median(row.start)} ms | ${median(row.end)} ms | ${median(row.size)} |`);
}
