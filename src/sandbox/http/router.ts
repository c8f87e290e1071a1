/** Matches a method and path against a service's route patterns (`/v1.0/users/:id`, `/x/*rest`). */
import type { HttpMethod, RouteDefinition } from './service.js';

interface CompiledRoute {
  route: RouteDefinition;
  segments: { literal: string | null; name: string | null; rest: boolean }[];
}

export type RouteMatch =
  | { kind: 'match'; route: RouteDefinition; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'none' };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly RouteDefinition[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: splitPath(route.path).map((s) => {
        if (s.startsWith(':')) return { literal: null, name: s.slice(1), rest: false };
        if (s.startsWith('*')) return { literal: null, name: s.slice(1), rest: true };
        return { literal: s.toLowerCase(), name: null, rest: false };
      }),
    }));
  }

  /** `path` is the raw (percent-encoded) path after the host, without the query. */
  match(method: HttpMethod, path: string): RouteMatch {
    const parts = splitPath(path).map(decodeSegment);
    let pathMatched = false;
    for (const c of this.compiled) {
      const params = this.matchSegments(c, parts);
      if (!params) continue;
      if (c.route.method === method) return { kind: 'match', route: c.route, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'none' };
  }

  /**
   * The first segment of `path` that no route accepts at its position (what Graph names in "Resource not
   * found for the segment '…'"), or the last segment when every segment is known but no route ends there.
   */
  firstUnknownSegment(path: string): string {
    const parts = splitPath(path).map(decodeSegment);
    let known = 0;
    for (const c of this.compiled) known = Math.max(known, this.matchedPrefix(c, parts));
    return parts[Math.min(known, parts.length - 1)] ?? '';
  }

  private matchedPrefix(c: CompiledRoute, parts: string[]): number {
    let i = 0;
    for (; i < parts.length && i < c.segments.length; i += 1) {
      const seg = c.segments[i];
      const part = parts[i];
      if (!seg || part === undefined) break;
      if (seg.rest) return parts.length;
      if (seg.literal !== null && part.toLowerCase() !== seg.literal) break;
    }
    return i;
  }

  private matchSegments(c: CompiledRoute, parts: string[]): Record<string, string> | null {
    const params: Record<string, string> = {};
    for (let i = 0; i < c.segments.length; i += 1) {
      const seg = c.segments[i];
      if (!seg) return null;
      if (seg.rest) {
        if (i >= parts.length) return null;
        params[seg.name ?? 'rest'] = parts.slice(i).join('/');
        return params;
      }
      const part = parts[i];
      if (part === undefined) return null;
      if (seg.literal !== null) {
        if (part.toLowerCase() !== seg.literal) return null;
      } else if (seg.name !== null) {
        params[seg.name] = part;
      }
    }
    return parts.length === c.segments.length ? params : null;
  }
}
