/**
 * The store key of the channel, service URL and bot of the latest turn: they seed new 1:1 chats.
 * Its own module so the notifier, which the command line loads, does not load botbuilder with
 * `conversation-references.ts`.
 */
export const lastReferenceKey = 'service:last';
