/**
 * `npm run screenshots`: starts the `npm run dev` stack on free ports (sandbox with realistic latency),
 * drives an offboarding through the Agents Playground web UI in headless Chromium (the operator and
 * the approver in two browser profiles) and saves the cards as PNGs in docs/images/.
 *
 * The manager's 1:1 notice is not among them: the playground shows only chats of its configured
 * current user and cannot deliver a 1:1 chat to another persona, so the bot falls back to e-mail.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.js';
import { startDevStack } from '../test/support/dev-stack.js';
import { PlaygroundPage } from '../test/support/playground-ui.js';

const outDir = join(import.meta.dirname, '..', 'docs', 'images');
// Tall enough for the longest card (the request card with its plan and options) to fit on screen.
const view = { viewport: { width: 1280, height: 2400 }, deviceScaleFactor: 1.5 };

async function shoot(page: PlaygroundPage, card: Locator, name: string): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  // Let late layout (fonts, images, the typing indicator) settle before the picture.
  await page.page.waitForTimeout(400);
  const path = join(outDir, name);
  await page.frameOf(card).screenshot({ path, animations: 'disabled' });
  console.log(`saved ${path}`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  const stack = await startDevStack({ behaviours: 'realistic' });
  try {
    const operator = await PlaygroundPage.open(browser, stack.playgroundUrl, view);
    const approver = await PlaygroundPage.open(browser, stack.playgroundUrl, {
      ...view,
      personaId: '29:joni-sherman',
    });

    await shoot(operator, await operator.waitForCard('Hi, I run the identity lifecycle'), 'welcome-card.png');

    await operator.openChat('Lifecycle requests');
    await approver.openChat('Lifecycle requests');
    await operator.sendMention('Lifecycle', 'offboard adele.vance@contoso.com');
    const request = await operator.waitForCard('Offboard Adele Vance', 'Confirm');
    await request.getByText('Block sign-in').first().waitFor();
    await shoot(operator, request, 'offboard-request-card.png');
    await request.getByRole('button', { name: 'Confirm' }).click();

    const approval = await approver.waitForCard('approval needed', 'Approve');
    await shoot(approver, approval, 'approval-card.png');
    await approval.getByRole('button', { name: 'Approve' }).click();

    // Catch the progress card while steps are still running (it is updated in place).
    const progress = await operator.waitForCard(/Offboarding Adele Vance[\s\S]*Running/);
    await progress
      .getByText(/running|done/)
      .first()
      .waitFor();
    await shoot(operator, progress, 'progress-card.png');

    const summary = await operator.waitForCard(
      /Completed: Adele Vance[\s\S]*JSON export/,
      undefined,
      180_000,
    );
    await shoot(operator, summary, 'summary-card.png');
  } finally {
    await browser.close();
    await stack.close();
  }
}

await main();
