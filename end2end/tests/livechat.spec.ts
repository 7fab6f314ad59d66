import { test, expect } from '@playwright/test';
import { holdRequests, logIn, MEMBER_CODE, typeBeforeHydration, waitForHydration } from './helpers';

// Named so it runs after dashboard.spec, which checks the demo seed's exact counts.
test('silver chats with the agent, who turns the chat into a ticket', async ({ browser }) => {
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  const agent = await (await browser.newContext()).newPage();

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.getByRole('link', { name: 'Chat console' }).click();
  await expect(agent.getByRole('heading', { level: 1, name: 'Chat console' })).toBeVisible();
  await waitForHydration(agent);
  await expect(agent.getByText('You are online')).toBeVisible();

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(member);
  // "Tech Support Chat" opens a real new tab.
  const [chat] = await Promise.all([
    memberContext.waitForEvent('page'),
    member.getByRole('link', { name: /Tech Support Chat/ }).click(),
  ]);
  await expect(chat.getByRole('heading', { level: 1, name: 'Get support with live chat' })).toBeVisible();
  await expect(chat.getByText('Enter a few details to start your online chat below.')).toBeVisible();
  await waitForHydration(chat);
  await expect(chat.getByLabel('What is your name?')).toHaveValue('Sofía Silva');
  await expect(chat.getByLabel('Member ID — Optional')).toHaveValue('1000001');
  await expect(chat.getByLabel('Email address')).not.toHaveValue('');
  await expect(chat.getByLabel('How can we help?')).toHaveAttribute('placeholder', 'Enter your question...');
  await chat.getByLabel('How can we help?').fill('The checkout page shows an error when I pay by card');
  await chat.getByRole('button', { name: 'Start chat' }).click();
  await expect(chat).toHaveURL(/\/chat\/\d+$/);
  await expect(chat.getByText('Your place in the queue: 1')).toBeVisible();
  await expect(chat.getByText(/Estimated wait: about \d+ min/)).toBeVisible();

  // The agent's queue shows the member without a reload; the agent accepts and opens the chat.
  await agent.getByRole('button', { name: 'Accept the chat with Sofía Silva' }).click();
  await agent.getByRole('link', { name: 'Chat with Sofía Silva' }).click();
  await expect(agent.getByText('The checkout page shows an error when I pay by card').first()).toBeVisible();
  await waitForHydration(agent);
  await expect(chat.getByText('You are chatting with Alex Agent')).toBeVisible();

  await agent.getByLabel('Your message').fill('Hello Sofía, which card do you use?');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(chat.getByText('Hello Sofía, which card do you use?')).toBeVisible();
  await chat.getByLabel('Your message').fill('A Visa');
  await expect(agent.getByText('Sofía Silva is typing…')).toBeVisible();
  await chat.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(agent.getByText('A Visa')).toBeVisible();

  // The agent turns it into a ticket; the member finds it under Open Tech Issues.
  await agent.getByRole('button', { name: 'Turn into a tech issue' }).click();
  await expect(agent.getByText('This chat became a tech issue.')).toBeVisible();
  await expect(chat.getByText('This chat has ended.')).toBeVisible();
  await expect(chat.getByRole('link', { name: 'Open the tech issue made from this chat' })).toBeVisible();
  await member.bringToFront();
  await expect(member.getByRole('link', { name: /^Chat: The checkout page shows an error/ })).toBeVisible();
});

test('a Spanish question gets the offer of a ticket in Spanish', async ({ page }) => {
  await logIn(page, 'diamond');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await page.goto('/chat');
  await waitForHydration(page);
  await page.getByLabel('How can we help?').fill('No puedo procesar el pedido, la página se queda en blanco');
  await expect(page.getByText(/Our chat is in English only/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Continue in English' })).toBeVisible();
  await page.getByRole('link', { name: 'Open a ticket in your language' }).click();
  await expect(page).toHaveURL(/\/tickets\/new/);
  await waitForHydration(page);
  await expect(page.getByLabel('Language of your issue')).toHaveValue('es');
  await expect(page.getByLabel('Title')).toHaveValue('No puedo procesar el pedido, la página se queda en blanco');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Detailed description')).toHaveValue('No puedo procesar el pedido, la página se queda en blanco');
});

test.describe('on a slow phone', () => {
  // The chat page's code is held back below; with the service worker on, its fetch would go
  // through the worker, where the page's routes do not reach.
  test.use({ serviceWorkers: 'block' });

  test('a message typed while the chat page\'s code is still coming is kept', async ({ page }) => {
    await logIn(page, 'silver');
    await page.goto('/chat');
    await waitForHydration(page);
    await page.getByLabel('How can we help?').fill('My password reset email never arrives');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await expect(page).toHaveURL(/\/chat\/\d+$/);
    await expect(page.getByText('Your place in the queue: 1')).toBeVisible();

    // The chat page again, as a phone opens it: the message box is on screen before its code.
    const release = await holdRequests(page, MEMBER_CODE);
    await page.reload();
    await typeBeforeHydration(page, page.getByLabel('Your message'), 'It is the Gmail address on my profile', release);
    await page.unroute(MEMBER_CODE);
    // What was kept is what is sent.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.getByRole('main').getByText('It is the Gmail address on my profile')).toBeVisible();
    await expect(page.getByLabel('Your message')).toHaveValue('');

    await page.getByRole('button', { name: 'Leave the queue' }).click();
    await expect(page.getByText('This chat has ended.')).toBeVisible();
  });
});
