import { test, expect } from '@playwright/test';
import { logIn, waitForHydration, fileTicket } from './helpers';

// The queue for agents who handle many tickets: full-text search, keys to move and tick,
// one action on every ticked ticket, and merging a duplicate (the member sees where it went).
test('agent searches, ticks tickets from the keyboard, acts on them at once and merges a duplicate', async ({ browser }) => {
  test.setTimeout(90_000);
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const word = `Quokka${Date.now() % 1_000_000}`;

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  const first = await fileTicket(member, `${word} printer offline`);
  await member.goto('/');
  const second = await fileTicket(member, `${word} printer still offline`);

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await waitForHydration(agent);
  // "/" goes to the search box; the search finds both tickets by a word of their titles.
  await agent.keyboard.press('/');
  await expect(agent.getByLabel('Search titles, descriptions and messages')).toBeFocused();
  await agent.keyboard.type(word.toLowerCase());
  await agent.keyboard.press('Enter');
  await expect(agent).toHaveURL(new RegExp(`q=${word.toLowerCase()}`));
  await waitForHydration(agent);
  const rows = agent.getByRole('row').filter({ has: agent.getByRole('link', { name: new RegExp(word) }) });
  await expect(rows).toHaveCount(2);

  // j moves to a ticket, x ticks it; both ticked, then one action for both.
  // Out of the search box (letters typed there are text, not keys).
  await agent.getByRole('heading', { level: 1, name: 'Agent console' }).click();
  await agent.keyboard.press('j');
  await agent.keyboard.press('x');
  await agent.keyboard.press('j');
  await agent.keyboard.press('x');
  await expect(agent.getByRole('checkbox', { name: `Tick #${first}` })).toBeChecked();
  await expect(agent.getByRole('checkbox', { name: `Tick #${second}` })).toBeChecked();
  await agent.getByLabel('With the ticked tickets').selectOption({ label: 'Urgent' });
  await agent.getByRole('button', { name: 'Apply to 2 ticked' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'Done: 2 changed.' })).toBeVisible();
  await expect(rows.getByRole('cell', { name: 'Urgent' })).toHaveCount(2);

  // The second is a duplicate of the first.
  await agent.getByRole('link', { name: `${word} printer still offline` }).click();
  await expect(agent.getByRole('heading', { level: 1, name: `${word} printer still offline` })).toBeVisible();
  await waitForHydration(agent);
  await agent.getByLabel('Number of the ticket to keep').fill(String(first));
  await agent.getByRole('button', { name: 'Merge into that ticket' }).click();
  await expect(agent.getByRole('note').filter({ hasText: `merged into #${first}` })).toBeVisible();

  // The member's page says where the conversation went, with a link there.
  await member.goto(`/tickets/${second}`);
  await expect(member.getByRole('note').filter({ hasText: `This issue was merged into #${first}` })).toBeVisible();
  await member.getByRole('link', { name: `Go to #${first}` }).click();
  await expect(member.getByRole('heading', { level: 1, name: `${word} printer offline` })).toBeVisible();
  await expect(member.getByRole('link', { name: `#${second}` })).toBeVisible();
  // And the member's own search finds their ticket.
  await member.goto('/');
  await waitForHydration(member);
  await member.getByLabel('Search my tickets').fill(word);
  await member.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(member.getByRole('link', { name: new RegExp(`${word} printer offline`) })).toBeVisible();
});

// The keys not covered above: k goes back up after j, ? shows and hides the list of keys.
test('agent moves back up the queue with k and opens the list of keys with ?', async ({ browser }) => {
  test.setTimeout(90_000);
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const word = `Wombat${Date.now() % 1_000_000}`;

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await fileTicket(member, `${word} mouse lags`);
  await member.goto('/');
  await fileTicket(member, `${word} mouse still lags`);

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  // Only this test's two tickets listed, so the first and second rows are known to be ours.
  await agent.goto(`/agent?q=${word.toLowerCase()}`);
  await waitForHydration(agent);
  const links = agent.getByRole('table').getByRole('link', { name: new RegExp(word) });
  await expect(links).toHaveCount(2);
  const firstId = (await links.nth(0).getAttribute('href'))!.split('/').pop();
  const secondId = (await links.nth(1).getAttribute('href'))!.split('/').pop();

  // ? opens the list of keys (the button says it is expanded), ? again closes it.
  const keysButton = agent.getByRole('button', { name: 'Keyboard shortcuts' });
  await expect(keysButton).toHaveAttribute('aria-expanded', 'false');
  await expect(agent.getByText('Show or hide these keys')).toBeHidden();
  await agent.getByRole('heading', { level: 1, name: 'Agent console' }).click();
  await agent.keyboard.press('?');
  await expect(keysButton).toHaveAttribute('aria-expanded', 'true');
  await expect(agent.getByText('Next / previous ticket')).toBeVisible();
  await expect(agent.getByText('Send the answer (in the reply box)')).toBeVisible();
  await agent.keyboard.press('?');
  await expect(keysButton).toHaveAttribute('aria-expanded', 'false');
  await expect(agent.getByText('Next / previous ticket')).toBeHidden();

  // j, j: the second ticket; k: back to the first; k at the top stays there.
  await agent.keyboard.press('j');
  await agent.keyboard.press('j');
  await expect(links.nth(1)).toBeFocused();
  await agent.keyboard.press('k');
  await expect(links.nth(0)).toBeFocused();
  await agent.keyboard.press('k');
  await expect(links.nth(0)).toBeFocused();
  // x ticks the ticket k moved to, not the one j had reached.
  await agent.keyboard.press('x');
  await expect(agent.getByRole('checkbox', { name: `Tick #${firstId}` })).toBeChecked();
  await expect(agent.getByRole('checkbox', { name: `Tick #${secondId}` })).not.toBeChecked();
});

// Ctrl+Enter in the reply box sends the answer, as the button does; Enter alone is a new line.
test('agent sends a reply with Ctrl+Enter from the reply box', async ({ browser }) => {
  test.setTimeout(60_000);
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const word = `Numbat${Date.now() % 1_000_000}`;

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  // A ticket of this test's own: answering a demo ticket would change it for other specs.
  const id = await fileTicket(member, `${word} headset crackles`);

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.goto(`/tickets/${id}`);
  await expect(agent.getByRole('heading', { level: 1, name: `${word} headset crackles` })).toBeVisible();
  await waitForHydration(agent);
  const box = agent.getByLabel('Your reply');
  const answer = agent.getByRole('listitem').filter({ hasText: `${word}: try the other port.` });
  await box.click();
  await agent.keyboard.type(`${word}: try the other port.`);
  await agent.keyboard.press('Enter');
  await agent.keyboard.type('Then restart the call.');
  // Enter alone sent nothing: the text is still in the box, on two lines.
  await expect(box).toHaveValue(`${word}: try the other port.\nThen restart the call.`);
  await expect(answer).toHaveCount(0);

  await agent.keyboard.press('Control+Enter');
  await expect(answer).toBeVisible();
  await expect(answer).toContainText('Then restart the call.');
  await expect(answer).toContainText('IT team');
  await expect(box).toHaveValue('');

  // The member sees the answer on their ticket.
  await member.goto(`/tickets/${id}`);
  await expect(member.getByText(`${word}: try the other port.`)).toBeVisible();
});
