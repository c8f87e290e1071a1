/** `provision <upn>`: decide licences and usage location, detect a rehire, preview the plan, ask to confirm. */
import { joinerRowSchema } from '../../core/provision/index.js';
import requestTemplate from '../cards/provision-request.card.json' with { type: 'json' };
import { toProvisionRequestData } from '../cards/provision-request.data.js';
import { renderCard } from '../cards/render-card.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Turn } from '../route.js';
import { answerInBackground, statusCard } from './deferred-reply.js';
import { notReadyAnswer } from './prepared-reply.js';
import { markdownText as md } from '../cards/markdown-text.js';

export async function provisionCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const provision = deps.provision;
  if (!provision) {
    await ctx.sendActivity('Provisioning is not configured on this bot (no licence mapping).');
    return;
  }
  if (argument === '') {
    await ctx.sendActivity(
      'Whom should I provision? Type `provision <upn>`, for example `provision ray.kim@contoso.com`, or send me a CSV file of joiners.',
    );
    return;
  }
  const parsed = joinerRowSchema.safeParse({ userPrincipalName: argument.split(' ')[0] ?? '' });
  if (!parsed.success || argument.trim().includes(' ')) {
    await ctx.sendActivity(
      '`provision` takes one user principal name, like `provision ray.kim@contoso.com`; nothing was changed.',
    );
    return;
  }
  const upn = parsed.data.userPrincipalName;
  await answerInBackground(
    turn,
    statusCard(
      `Planning the provisioning of ${upn}…`,
      'Reading licences, the mapping and any earlier account.',
    ),
    'provision',
    async (reference) => {
      const result = await provision.flow.prepare(turn.actor, parsed.data);
      if (result.kind === 'queued') {
        return `${md(result.message)}. I will look again with increasing intervals for up to ${provision.flow.mapping.config.pending.horizonHours} h and report to the IT channel.`;
      }
      if (result.kind !== 'ready') return notReadyAnswer(turn, argument, result);
      await deps.store.state.set(`plan:${result.request.id}`, result.plan);
      await rememberRequesterConversation(deps, result.request.id, reference);
      return renderCard(
        requestTemplate,
        toProvisionRequestData(result.request, result.plan, result.draft, result.stockNotes),
      );
    },
  );
}
