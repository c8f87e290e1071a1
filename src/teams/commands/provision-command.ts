/** `provision <upn>`: decide licences and usage location, detect a rehire, preview the plan, ask to confirm. */
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../../core/model.js';
import { joinerRowSchema } from '../../core/provision/index.js';
import type { BotDeps } from '../bot-deps.js';
import requestTemplate from '../cards/provision-request.card.json' with { type: 'json' };
import { toProvisionRequestData } from '../cards/provision-request.data.js';
import { cardAttachment, renderCard } from '../cards/render-card.js';

export async function provisionCommand(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal,
  argument: string,
): Promise<void> {
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
  const result = await provision.flow.prepare(actor, parsed.data);
  switch (result.kind) {
    case 'refused':
      await deps.store.audit.append({
        at: new Date().toISOString(),
        type: 'action.refused',
        actor,
        details: { action: 'provision', reason: result.message },
      });
      await ctx.sendActivity(result.message);
      return;
    case 'queued':
      await ctx.sendActivity(
        `${result.message}. I will look again with increasing intervals for up to ${provision.flow.mapping.config.pending.horizonHours} h and report to the IT channel.`,
      );
      return;
    case 'nothing-to-do':
      await ctx.sendActivity(result.message);
      return;
    case 'ready': {
      await deps.store.state.set(`plan:${result.request.id}`, result.plan);
      const card = renderCard(
        requestTemplate,
        toProvisionRequestData(result.request, result.plan, result.draft, result.stockNotes),
      );
      await ctx.sendActivity({ attachments: [cardAttachment(card)] });
      return;
    }
  }
}
