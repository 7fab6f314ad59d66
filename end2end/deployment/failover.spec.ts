import { test, expect } from '@playwright/test';
import { logIn, waitForHydration } from '../tests/helpers';

// Run by scripts/failover.sh: BASE_URL is the balancer (instance A while it lives, then B),
// INSTANCE_B_URL is instance B itself, INSTANCE_A_PID is the process this test kills.
const instanceB = process.env.INSTANCE_B_URL ?? '';
const pidA = Number(process.env.INSTANCE_A_PID ?? '0');

test('instance A dies mid-chat and the member page carries on with B, nothing lost', async ({ browser }) => {
  expect(instanceB, 'INSTANCE_B_URL is set').not.toBe('');
  expect(pidA, 'INSTANCE_A_PID is set').toBeGreaterThan(0);

  // The agent works on B; the member reaches the desk through the balancer (so on A).
  const agent = await (await browser.newContext({ baseURL: instanceB })).newPage();
  const member = await (await browser.newContext()).newPage();

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.getByRole('link', { name: 'Chat console' }).click();
  await waitForHydration(agent);
  await expect(agent.getByText('You are online')).toBeVisible();

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await member.goto('/chat');
  await waitForHydration(member);
  await member.getByLabel('How can we help?').fill('My order page stays blank after I log in');
  await member.getByRole('button', { name: 'Start chat' }).click();
  await expect(member).toHaveURL(/\/chat\/\d+$/);
  await waitForHydration(member);

  // B's queue shows the chat that A took in: one database, one hub across instances.
  await agent.getByRole('button', { name: 'Accept the chat with Sofía Silva' }).click();
  await agent.getByRole('link', { name: 'Chat with Sofía Silva' }).click();
  await waitForHydration(agent);
  await expect(member.getByText('You are chatting with Alex Agent')).toBeVisible();

  await member.getByLabel('Your message').fill('before: it is Firefox');
  await member.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(agent.getByText('before: it is Firefox')).toBeVisible();
  await agent.getByLabel('Your message').fill('before: which version?');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(member.getByText('before: which version?')).toBeVisible();

  // The "reconnecting" line may show for only a few hundred milliseconds: the page records
  // whether it appeared rather than the test racing to see it.
  await member.evaluate(() => {
    const w = window as unknown as { sawReconnecting: boolean };
    w.sawReconnecting = false;
    new MutationObserver(() => {
      if (document.body.innerText.includes('Connection lost. Reconnecting…')) w.sawReconnecting = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  // SIGKILL: no goodbye frame, no draining; the operating system just drops A's sockets.
  process.kill(pidA, 'SIGKILL');
  await agent.getByLabel('Your message').fill('during: are you still there?');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(agent.getByText('during: are you still there?')).toBeVisible();

  // The page resumes through the balancer (now B) and gets what it missed.
  await expect(member.getByText('during: are you still there?')).toBeVisible({ timeout: 15_000 });
  expect(await member.evaluate(() => (window as unknown as { sawReconnecting: boolean }).sawReconnecting)).toBe(true);
  await expect(member.getByText('Connection lost. Reconnecting…')).toHaveCount(0);
  await member.getByLabel('Your message').fill('after: yes, version 140');
  await member.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(agent.getByText('after: yes, version 140')).toBeVisible();

  // Every message once and in order, as a fresh load from B has them.
  await member.reload();
  const log = member.getByRole('log', { name: 'Chat messages' });
  const said = ['before: it is Firefox', 'before: which version?', 'during: are you still there?', 'after: yes, version 140'];
  for (const text of said) await expect(log.getByText(text, { exact: true })).toHaveCount(1);
  const all = await log.getByRole('listitem').allInnerTexts();
  const order = said.map((text) => all.findIndex((item) => item.includes(text)));
  expect(order).toEqual([...order].sort((x, y) => x - y));
  // Still signed in after the fail-over: the session lives in the shared database.
  await expect(member.getByRole('heading', { level: 1, name: 'Get support with live chat' })).toBeVisible();
});
