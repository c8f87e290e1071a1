/**
 * A URL as it may appear in logs: no query string (it carries search terms and filters with
 * personal data) and no user names or mail addresses in the path (object ids stay, they are what
 * support needs to trace a call).
 */
export function logSafeUrl(url: string): string {
  const withoutQuery = url.split('?', 1)[0] ?? '';
  return withoutQuery
    .split('/')
    .map((segment) => (/@|%40/i.test(segment) ? '{upn}' : segment))
    .join('/');
}
