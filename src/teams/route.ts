/**
 * What a Teams route is: a command, another kind of message, or a card verb, with the role it needs
 * and, for verbs, the card data contract. Routes are declared in `routes.ts` and only ever run through
 * the guard (`route-guard.ts`), which hands the handler a `Turn` once every check has passed.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Principal, RequestKind } from '../core/model.js';
import type { CardDataContract } from './actions/action-data.js';
import type { BotDeps } from './bot-deps.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import { parseCommand } from './commands/command-catalog.js';

/**
 * Who may use a route, checked before any input is read:
 * - `anyone`: help, even for an activity that names nobody of this tenant;
 * - `member`: any user of this tenant; the request service decides who may act on the request itself
 *   (only its requester confirms, an approver other than the requester approves, …);
 * - `reader`: requesters, approvers, incident responders and auditors (`Policy.canRead`);
 * - `{ requester: kind }`: may ask for that kind of request (`Policy.canRequest`).
 */
export type Role = 'anyone' | ActorRole;
export type ActorRole = 'member' | 'reader' | { requester: RequestKind };

/** A card (invoke response) or a short text. */
export type Reply = AdaptiveCardJson | string;

/** A turn that passed the guard: a trusted actor with the route's role. */
export interface Turn {
  readonly ctx: TurnContext;
  readonly deps: BotDeps;
  readonly actor: Principal;
  /** Audits a refusal of this route (with the injected clock's time) and returns the reason. */
  refuse(reason: string, about?: { requestId?: string; code?: string }): Promise<string>;
}

interface RouteBase {
  /** The command name or card verb: also the `action` of refusals and the `what` of error logs. */
  readonly name: string;
  /** Routes of optional flows (bulk, provisioning) exist only when the flow is configured. */
  readonly isEnabled?: (deps: BotDeps) => boolean;
  /** The handler reads the tenant (directory look-ups, plans): subject to the per-actor rate limit. */
  readonly readsTenant?: boolean;
}

/** A message the route recognises; the handler sends its own replies. */
export interface MessageRoute extends RouteBase {
  readonly kind: 'message';
  readonly role: ActorRole;
  matches(activity: Activity): boolean;
  handle(turn: Turn): Promise<void>;
}

/** An `Action.Execute` verb; the handler's reply is the invoke response. */
export interface VerbRoute extends RouteBase {
  readonly kind: 'verb';
  readonly role: ActorRole;
  /** The name of the card data contract, checked after the role. */
  readonly data: string;
  /** Reads the card data by the route's contract and binds it to the handler (the guard calls this). */
  bind(raw: unknown): BoundVerb;
  /** Takes every `Action.Execute` no earlier verb route took (registered after all of them). */
  readonly isCatchAll?: boolean;
}

export type BoundVerb =
  | { isValid: true; run: (turn: Turn) => Promise<Reply> }
  | { isValid: false; reason: string; requestId?: string };

/** Every message no other route took: help, for anyone. */
export interface FallbackRoute extends RouteBase {
  readonly kind: 'fallback';
  readonly role: 'anyone';
  handle(ctx: TurnContext): Promise<void>;
}

export type Route = MessageRoute | VerbRoute | FallbackRoute;

type Options = Pick<RouteBase, 'isEnabled' | 'readsTenant'>;

/** `name <argument>`, as `parseCommand` reads it (first word, case-insensitive, @mentions removed). */
export function command(
  name: string,
  role: ActorRole,
  handle: (turn: Turn, argument: string) => Promise<void>,
  options: Options = {},
): MessageRoute {
  return message(name, (activity) => parseCommand(activity.text)?.name === name, role, handle, options);
}

/** A message recognised by `matches`; the handler gets the command argument, if the text has one. */
export function message(
  name: string,
  matches: (activity: Activity) => boolean,
  role: ActorRole,
  handle: (turn: Turn, argument: string) => Promise<void>,
  options: Options = {},
): MessageRoute {
  return {
    kind: 'message',
    name,
    role,
    matches,
    handle: (turn) => handle(turn, parseCommand(turn.ctx.activity.text)?.argument ?? ''),
    ...options,
  };
}

export function verb<T>(
  name: string,
  role: ActorRole,
  data: CardDataContract<T>,
  handle: (turn: Turn, data: T) => Promise<Reply>,
  options: Options = {},
): VerbRoute {
  return {
    kind: 'verb',
    name,
    role,
    data: data.name,
    bind(raw) {
      const read = data.read(raw);
      return read.isValid ? { isValid: true, run: (turn) => handle(turn, read.data) } : read;
    },
    ...options,
  };
}

/**
 * Every `Action.Execute` verb no route answers (forged, or of a flow not enabled here): refused and
 * audited by the handler, after the guard's checks of actor, tenant and size.
 */
export function unknownVerbs(name: string, handle: (turn: Turn) => Promise<Reply>): VerbRoute {
  return {
    kind: 'verb',
    name,
    role: 'member',
    data: 'any',
    isCatchAll: true,
    bind: () => ({ isValid: true, run: handle }),
  };
}

export function fallback(name: string, handle: (ctx: TurnContext) => Promise<void>): FallbackRoute {
  return { kind: 'fallback', name, role: 'anyone', handle };
}
