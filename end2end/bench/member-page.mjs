// Shared by the browser benches: a signed-in member's new page, throttled like the profile asks,
// that notes when the app marks <body data-hydrated="true"> (as `window.__hydratedAt`).

// 4× slower CPU, 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip: Lighthouse's mobile profile.
export const PHONE = { name: 'phone (4× CPU, slow 4G)', cpu: 4, network: { latency: 150, down: 1.6e6 / 8, up: 750e3 / 8 } };

// Set before any page script runs.
function watchHydration() {
  new MutationObserver((_, observer) => {
    if (document.body && document.body.dataset.hydrated === 'true') {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
}

export async function newMemberPage(browser, base, profile) {
  const context = await browser.newContext();
  const res = await context.request.post(`${base}/api/login`, {
    form: { username: 'silver', password: 'demo-password' },
    maxRedirects: 0,
  });
  if (res.status() >= 400) throw new Error(`login: ${res.status()}`);
  const page = await context.newPage();
  await page.addInitScript(watchHydration);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  if (profile.network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.network.latency,
      downloadThroughput: profile.network.down,
      uploadThroughput: profile.network.up,
    });
  }
  return { context, page };
}
