/**
 * The bot loads teams-ai's Application, TurnState and TeamsAdapter from their own modules, never the
 * package's index: the index also loads the AI features (planners, prompts, a GPT tokenizer and its
 * tables, ~30 MB resident) the bot never uses. A child process loads the bot's modules as it starts
 * them and lists the files Node loaded.
 */
import { describe, expect, it } from 'vitest';
import { dependencyFilesLoadedBy } from '../../support/loaded-modules.js';

describe('bot modules', () => {
  it("load teams-ai's Application without its AI features", () => {
    const files = dependencyFilesLoadedBy([
      './src/teams/teams-ai.ts',
      './src/teams/bot-app.ts',
      './src/app/wiring.ts',
    ]);
    const teamsAi = files.filter((f) => f.includes('node_modules/@microsoft/teams-ai/'));
    // The probe saw teams-ai loaded, and only the parts the bot uses.
    expect(teamsAi.some((f) => f.endsWith('/lib/Application.js'))).toBe(true);
    expect(teamsAi.some((f) => f.endsWith('/lib/index.js'))).toBe(false);
    expect(files.some((f) => f.includes('node_modules/gpt-tokenizer/'))).toBe(false);
    expect(teamsAi.some((f) => /\/lib\/(planners|prompts|tokenizers|models)\//.test(f))).toBe(false);
  }, 60_000);
});
