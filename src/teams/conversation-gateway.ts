/**
 * Messages outside the current turn: progress updates, summaries, approval cards, notices. Errors
 * inside `continueConversationAsync` logic go to `onTurnError` and are not rethrown by botbuilder
 * 4.23, so every call catches inside the logic and reports through a closure.
 */
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';

export interface ConversationGateway {
  /** Post a new activity; returns its id. */
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined>;
  /** Replace an earlier activity in place. */
  update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void>;
  /** Open (or reopen) a 1:1 chat with a user by Entra object id; returns its reference. */
  createPersonalChat(
    template: Partial<ConversationReference>,
    userAadObjectId: string,
    tenantId: string,
  ): Promise<Partial<ConversationReference>>;
}

export class CloudAdapterGateway implements ConversationGateway {
  private adapter: Promise<CloudAdapter> | undefined;

  /**
   * `memberIdOf` maps an Entra object id to the channel account id a new chat's member needs. Teams
   * accepts the object id itself (the default); the Agents Playground knows its personas only by their
   * configured ids (`29:megan-bowen`) and answers `UserNotFound` to an object id. `adapterOrMaker`:
   * the adapter, or how to make it when the first message goes out (the command line's, which loads
   * botbuilder only then).
   */
  constructor(
    private readonly adapterOrMaker: CloudAdapter | (() => Promise<CloudAdapter>),
    private readonly botAppId: string,
    private readonly memberIdOf: (userAadObjectId: string) => string = (id) => id,
  ) {}

  private adapterNow(): Promise<CloudAdapter> {
    const given = this.adapterOrMaker;
    this.adapter ??= typeof given === 'function' ? given() : Promise.resolve(given);
    return this.adapter;
  }

  async send(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
  ): Promise<string | undefined> {
    return this.within(reference, async (ctx) => (await ctx.sendActivity(activity))?.id);
  }

  async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    await this.within(reference, async (ctx) => {
      await ctx.updateActivity({ ...activity, id: activityId });
    });
  }

  async createPersonalChat(
    template: Partial<ConversationReference>,
    userAadObjectId: string,
    tenantId: string,
  ): Promise<Partial<ConversationReference>> {
    let created: Partial<ConversationReference> | undefined;
    let failure: unknown;
    const memberId = this.memberIdOf(userAadObjectId);
    await (
      await this.adapterNow()
    ).createConversationAsync(
      this.botAppId,
      template.channelId ?? 'msteams',
      template.serviceUrl ?? 'https://smba.trafficmanager.net/teams/',
      'https://api.botframework.com',
      {
        isGroup: false,
        bot: { id: template.bot?.id ?? this.botAppId, name: template.bot?.name ?? 'Lifecycle' },
        members: [{ id: memberId, name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
        activity: undefined,
      },
      (ctx) => {
        try {
          created = ctx.activity
            ? { ...referenceOf(ctx), user: { id: memberId, name: '', aadObjectId: userAadObjectId } }
            : undefined;
        } catch (error) {
          failure = error;
        }
        return Promise.resolve();
      },
    );
    if (failure !== undefined) throw toError(failure);
    if (!created) throw new Error('The conversation could not be created');
    return created;
  }

  private async within<T>(
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<T>,
  ): Promise<T> {
    let result: { value: T } | undefined;
    let failure: unknown;
    await (
      await this.adapterNow()
    ).continueConversationAsync(this.botAppId, reference, async (ctx) => {
      try {
        result = { value: await logic(ctx) };
      } catch (error) {
        failure = error;
      }
    });
    if (failure !== undefined) throw toError(failure);
    if (!result) throw new Error('The proactive turn did not run');
    return result.value;
  }
}

function referenceOf(ctx: TurnContext): Partial<ConversationReference> {
  const a = ctx.activity;
  return {
    channelId: a.channelId,
    serviceUrl: a.serviceUrl,
    conversation: a.conversation,
    bot: a.recipient,
    ...(a.locale && { locale: a.locale }),
  };
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
