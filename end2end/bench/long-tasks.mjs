// What a throttled phone's main thread does in its long tasks on a member's first visit to a
// page: each task over 50 ms, what runs inside it, and how many WebAssembly functions V8
// compiled there on their first call (it compiles lazily, on the main thread). A companion of
// timeline.mjs for finding what to cut (BENCHMARKS.md, issue 16, session 44).
// Usage: node end2end/bench/long-tasks.mjs http://127.0.0.1:3200 /tickets/new
// Durations are on the throttled CPU (4×), as the phone profile runs them. With
// LONG_TASKS_DETAIL=1 V8's per-function compile events are traced too: the counts are exact,
// but tracing them makes compiling slower, so the durations are larger.
import { chromium } from '@playwright/test';
import { PHONE, newMemberPage } from './member-page.mjs';

const [base, path = '/'] = process.argv.slice(2);
const categories = ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'];
if (process.env.LONG_TASKS_DETAIL === '1') categories.push('v8.wasm');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
let events;
try {
  const { page } = await newMemberPage(browser, base, PHONE);
  await browser.startTracing(page, { categories });
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
  await page.waitForTimeout(1000);
  events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
} finally {
  await browser.close();
}

// The page's main thread is the renderer's `CrRendererMain` that ran the navigation.
const mains = new Set(
  events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
);
const onMain = (e) => mains.has(`${e.pid}:${e.tid}`);
const tasks = events.filter((e) => e.name === 'RunTask' && onMain(e) && e.dur > 50_000);
// Times from the page's navigation (the last one before its first task: about:blank came first).
const first = tasks[0]?.ts ?? 0;
const navigations = events.filter((e) => e.name === 'navigationStart' && e.ts <= first).map((e) => e.ts);
const start = navigations.length ? Math.max(...navigations) : first;
console.log(`${path}: ${tasks.length} main-thread tasks over 50 ms (phone profile)`);
for (const task of tasks) {
  const inside = events.filter(
    (e) => e.ph === 'X' && e !== task && e.pid === task.pid && e.tid === task.tid
      && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur,
  );
  const totals = new Map();
  for (const e of inside) {
    const [ms, n] = totals.get(e.name) ?? [0, 0];
    totals.set(e.name, [ms + e.dur / 1000, n + 1]);
  }
  const at = Math.round((task.ts - start) / 1000);
  console.log(`\n  at ${at} ms: ${(task.dur / 1000).toFixed(1)} ms`);
  const top = [...totals].filter(([, [ms]]) => ms >= 1).sort((a, b) => b[1][0] - a[1][0]).slice(0, 8);
  for (const [name, [ms, n]] of top) console.log(`    ${ms.toFixed(1).padStart(7)} ms  ${String(n).padStart(5)}×  ${name}`);
}
