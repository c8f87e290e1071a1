/**
 * The parts of teams-ai the bot uses, from their own modules. The package's index also loads its AI
 * features (planners, prompt templates and a GPT tokenizer with its tables), which this bot never
 * uses: importing the index cost 78 MB resident, these three modules 47 MB.
 */
export { Application } from '@microsoft/teams-ai/lib/Application.js';
export { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
export { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
