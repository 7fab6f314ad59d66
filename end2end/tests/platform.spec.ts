import { test, expect } from '@playwright/test';

test('hashed static assets are long-cached and pages are compressed', async ({ page, request }) => {
  await page.goto('/login');
  const scripts = await page.locator('link[rel="modulepreload"], link[rel="preload"], link[rel="stylesheet"]').evaluateAll(
    (links) => links.map((l) => (l as HTMLLinkElement).href).filter((h) => h.includes('/pkg/')),
  );
  expect(scripts.length).toBeGreaterThan(0);
  for (const url of scripts) {
    // File names carry a content hash: desk.<hash>.js / .wasm / .css
    expect(url).toMatch(/\/pkg\/desk\.[A-Za-z0-9_-]{10,}\.(js|wasm|css)$/);
    const res = await request.get(url, { headers: { 'accept-encoding': 'br' } });
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toContain('immutable');
  }
  const html = await request.get('/login', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(html.headers()['content-encoding']).toMatch(/br|gzip/);
});
