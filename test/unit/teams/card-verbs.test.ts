import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkVerbs } from '../../../src/teams/cards/offboard-bulk.data.js';
import { provisionVerbs } from '../../../src/teams/cards/provision-request.data.js';
import { allVerbs as coreVerbs } from '../../../src/teams/cards/verbs.js';

/** Every verb the bot's cards use: the request verbs and those of the provisioning and bulk cards. */
const allVerbs: readonly string[] = [
  ...coreVerbs,
  ...Object.values(provisionVerbs),
  ...Object.values(bulkVerbs),
];
import { personas, startBotHarness, type BotHarness } from '../../support/bot-harness.js';

const cardsDir = join(import.meta.dirname, '../../../src/teams/cards');

/** Every literal `verb` in every card template. */
function templateVerbs(): { file: string; verb: string }[] {
  const found: { file: string; verb: string }[] = [];
  for (const file of readdirSync(cardsDir).filter((f) => f.endsWith('.card.json'))) {
    const text = readFileSync(join(cardsDir, file), 'utf8');
    for (const match of text.matchAll(/"verb":\s*"([^"$]+)"/g)) found.push({ file, verb: match[1] ?? '' });
  }
  return found;
}

describe('card verbs', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('uses only declared verbs in card templates', () => {
    const verbs = templateVerbs();
    expect(verbs.length).toBeGreaterThan(0);
    for (const { file, verb } of verbs) expect(allVerbs, `${file}: ${verb}`).toContain(verb);
  });

  it('has a route for every declared verb (an unrouted invoke gets no response)', async () => {
    for (const verb of allVerbs) {
      const { body } = await bot.click(personas.operator, verb, {});
      expect(body, verb).toBeDefined();
    }
  });

  it('renders every card template as Adaptive Card 1.5', () => {
    for (const file of readdirSync(cardsDir).filter((f) => f.endsWith('.card.json'))) {
      const card = JSON.parse(readFileSync(join(cardsDir, file), 'utf8')) as {
        type: string;
        version: string;
      };
      expect(card.type, file).toBe('AdaptiveCard');
      expect(card.version, file).toBe('1.5');
    }
  });
});
