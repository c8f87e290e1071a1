/** Cards that need little data: help/welcome and user choices. */
import type { IdentityUser } from '../../core/ports/identity.js';
import { commandCatalog } from '../commands/command-catalog.js';
import helpTemplate from './help.card.json' with { type: 'json' };
import { renderCard, type AdaptiveCardJson } from './render-card.js';
import choicesTemplate from './user-choices.card.json' with { type: 'json' };
import { verbs } from './verbs.js';

export function helpCard(isWelcome: boolean, note?: string): AdaptiveCardJson {
  return renderCard(helpTemplate, {
    title: isWelcome ? 'Hi, I run the identity lifecycle for IT' : 'What I can do',
    intro:
      note ??
      (isWelcome
        ? 'Try `offboard adele.vance@contoso.com`: I show the plan read from the tenant, you confirm, an approver approves, and I report each step here.'
        : 'Type one of these commands (in a channel or group chat, @mention me first).'),
    commands: commandCatalog.map((c) => ({ usage: c.usage, description: c.description })),
    footer:
      'Every change is planned first, needs your confirmation and an approval, and is recorded with its before-state.',
  });
}

export function choicesCard(
  title: string,
  hint: string,
  users: readonly IdentityUser[],
  verb: string = verbs.offboardChoose,
): AdaptiveCardJson {
  return renderCard(choicesTemplate, {
    title,
    hint,
    choices: users.slice(0, 6).map((u) => ({
      label: `${u.displayName} (${u.userPrincipalName}${u.jobTitle ? `, ${u.jobTitle}` : ''}${u.department ? `, ${u.department}` : ''})`,
      verb,
      userPrincipalName: u.userPrincipalName,
    })),
  });
}
