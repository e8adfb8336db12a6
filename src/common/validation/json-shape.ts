/**
 * How deep a client's JSON (a REST body, GraphQL variables or extensions) may nest. The deepest
 * real input is a few levels; recursive code further on (class-transformer, Nest's validation
 * pipe, JSON.stringify) would overflow the stack on tens of thousands.
 */
const MAX_JSON_DEPTH = 32;

/**
 * What is wrong with a value parsed from a client's JSON, if anything: nested deeper than
 * `maxDepth`, or an object with a `__proto__` key (JSON.parse makes it an own property, which
 * merging code may turn into a prototype) or a `constructor` key. Walks without recursion, so any depth is safe.
 */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > maxDepth) return `is nested more than ${maxDepth} levels deep`;
    if (Array.isArray(item)) {
      for (const element of item) pending.push([element, depth + 1]);
      continue;
    }
    for (const key of Object.keys(item)) {
      // `constructor` would also be taken by class-transformer and class-validator for the class.
      if (key === '__proto__' || key === 'constructor') return `has a "${key}" key`;
      pending.push([(item as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}
