/**
 * One read per question while a plan is built. Steps plan independently and several ask the target
 * systems the same thing (the leaver's mailbox is read by the conversion, the delegate's FullAccess,
 * the mail clients and each of the five mailbox-rights steps): within one plan the answer is shared.
 * Planning is read-only, so a shared answer is also a consistent one: every step plans from the same
 * state. Applies, read-backs and re-plans of a run use the ports themselves, never this view.
 */
import type { Ports } from '../ports/index.js';

/** Port methods that only read (by name). Everything else passes through untouched. */
const READ_METHOD = /^(get|list|find)[A-Z]/;

const snapshotMark = Symbol('plan-reads');

/** Arguments that identify a read: strings, numbers, booleans, undefined, null and plain JSON data. */
function readKey(method: string, args: readonly unknown[]): string | undefined {
  const isPlain = (value: unknown): boolean => {
    if (value === null || value === undefined) return true;
    const type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') return true;
    if (type !== 'object') return false;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
    return Object.values(value).every(isPlain);
  };
  if (!args.every(isPlain)) return undefined;
  return `${method}(${JSON.stringify(args.map((a) => (a === undefined ? null : a)))})`;
}

/** Each step gets its own copy of a shared answer (plain data is copied; anything else is shared). */
function copyOf<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)])) as T;
  }
  return value;
}

function sharedReads<T extends object>(port: T): T {
  const answers = new Map<string, Promise<unknown>>();
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function' || !READ_METHOD.test(property)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      const method = value as (...a: unknown[]) => unknown;
      return (...args: unknown[]): unknown => {
        const key = readKey(property, args);
        if (key === undefined) return method.apply(target, args);
        let answer = answers.get(key);
        if (!answer) {
          answer = Promise.resolve(method.apply(target, args));
          answers.set(key, answer);
          // A failed read is asked again by the next caller (the planner retries transient failures).
          answer.catch(() => {
            if (answers.get(key) === answer) answers.delete(key);
          });
        }
        return answer.then(copyOf);
      };
    },
  });
}

/** A view of `ports` whose reads are asked once for the plan being built. */
export function planReads(ports: Ports): Ports {
  if ((ports as unknown as Record<symbol, boolean>)[snapshotMark]) return ports;
  const view: Record<string | symbol, unknown> = { [snapshotMark]: true };
  for (const [name, port] of Object.entries(ports) as [string, unknown][]) {
    view[name] = name === 'clock' || port === null || typeof port !== 'object' ? port : sharedReads(port);
  }
  return view as unknown as Ports;
}
