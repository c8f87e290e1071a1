/** Dependency checks shared by plan building: unique ids, known dependencies, no cycles. */
import { InvalidInputError } from '../errors.js';

export interface DependencyNode {
  id: string;
  dependsOn: readonly string[];
}

/** Throws `InvalidInputError` on a duplicate id or a dependency cycle. */
export function assertAcyclic(nodes: readonly DependencyNode[]): void {
  const byId = new Map<string, DependencyNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) throw new InvalidInputError(`Step ${node.id} appears twice in the plan`);
    byId.set(node.id, node);
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (node: DependencyNode, path: readonly string[]): void => {
    if (done.has(node.id)) return;
    if (visiting.has(node.id)) {
      throw new InvalidInputError(`Steps depend on each other in a cycle: ${[...path, node.id].join(' → ')}`);
    }
    visiting.add(node.id);
    for (const dependency of node.dependsOn) {
      const target = byId.get(dependency);
      if (target) visit(target, [...path, node.id]);
    }
    visiting.delete(node.id);
    done.add(node.id);
  };
  for (const node of nodes) visit(node, []);
}
