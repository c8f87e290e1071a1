/**
 * User and tenant text shown in Teams: names, reasons, UPNs, auto-reply texts, CSV cells, error
 * details. Teams renders Markdown in message text and in Adaptive Card `TextBlock` and `FactSet`
 * values, so `[text](https://…)` from a reject reason would become a link posted with the bot's
 * identity. Every piece of such text goes through `markdownText` before it is placed in a message or
 * a card's display field (never in `Input.*` values or action data, which are not rendered).
 *
 * Only what can form a link, a mention, emphasis, code, a list, a heading or a quote is escaped, so
 * ordinary text (parentheses, `SPE_E3`, `first_last@contoso.com`) reads as it did.
 */

/**
 * Backslash-escaped everywhere: brackets (links and images), angle brackets (mentions, autolinks,
 * tags), emphasis and strike markers, code ticks and the backslash itself.
 */
const markup = /[\\`*[\]<>~]/g;
/** `_` opens or closes emphasis only at a word's edge; inside a word (`SPE_E3`) it is literal. */
const edgeUnderscore = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
/** Line breaks and other control characters would start new list items or headings: one space each. */
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f\u2028\u2029]+/g;
/** What only has a meaning at the start of a line: a list marker (`-`, `+`, `1.`), a heading or a quote. */
const leadingMarker = /^(\s*)(?:([-+#])|(\d+)\.)(?=\s|$|#)/;

/** The text as it reads, with nothing Teams would render as formatting, a link, a list or a mention. */
export function markdownText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value
    .replace(controls, ' ')
    .replace(markup, (c) => `\\${c}`)
    .replace(edgeUnderscore, '\\_')
    .replace(leadingMarker, (_m, space: string, sign?: string, digits?: string) =>
      sign !== undefined ? `${space}\\${sign}` : `${space}${digits ?? ''}\\.`,
    );
}
