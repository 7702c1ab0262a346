import type { LineageEdge, LineageNode } from './queries';

/**
 * The nodes and edges on screen, each owned by the answers that brought it: the focused neighbourhood (`base`),
 * a question (`question`), and each expansion (`expand:<direction>:<node id>`). Collapsing an expansion removes
 * its ownership; what no answer owns any more leaves the screen. A node's "has more" flags are those of the
 * answers that own it, combined: it has more upstream only if none of them included all its upstream neighbours.
 */
interface Flags {
  up: boolean;
  down: boolean;
}

export class GraphModel {
  private readonly nodeData = new Map<string, LineageNode>();
  private readonly edgeData = new Map<string, LineageEdge>();
  private readonly nodeOwners = new Map<string, Map<string, Flags>>();
  private readonly edgeOwners = new Map<string, Set<string>>();

  get nodes(): LineageNode[] {
    return [...this.nodeData.values()];
  }

  get edges(): LineageEdge[] {
    return [...this.edgeData.values()].filter((e) => this.nodeData.has(e.upstream) && this.nodeData.has(e.downstream));
  }

  has(id: string): boolean {
    return this.nodeData.has(id);
  }

  node(id: string): LineageNode | undefined {
    return this.nodeData.get(id);
  }

  owners(): Set<string> {
    const all = new Set<string>();
    for (const owners of this.nodeOwners.values()) for (const owner of owners.keys()) all.add(owner);
    return all;
  }

  /** Adds an answer under `owner` (replacing what it owned before); returns the ids of nodes new on screen. */
  add(owner: string, nodes: readonly LineageNode[], edges: readonly LineageEdge[]): string[] {
    this.remove(owner);
    const added: string[] = [];
    for (const node of nodes) {
      if (!this.nodeData.has(node.id)) added.push(node.id);
      this.nodeData.set(node.id, { ...node });
      if (!this.nodeOwners.has(node.id)) this.nodeOwners.set(node.id, new Map());
      this.nodeOwners.get(node.id)!.set(owner, { up: node.hasMoreUpstream, down: node.hasMoreDownstream });
    }
    for (const edge of edges) {
      this.edgeData.set(edge.id, edge);
      if (!this.edgeOwners.has(edge.id)) this.edgeOwners.set(edge.id, new Set());
      this.edgeOwners.get(edge.id)!.add(owner);
    }
    this.refreshFlags();
    return added;
  }

  /** Removes what `owner` brought; returns the ids of nodes that left the screen. */
  remove(owner: string): string[] {
    const removed: string[] = [];
    for (const [id, owners] of this.nodeOwners) {
      if (!owners.delete(owner) || owners.size > 0) continue;
      this.nodeOwners.delete(id);
      this.nodeData.delete(id);
      removed.push(id);
    }
    for (const [id, owners] of this.edgeOwners) {
      if (!owners.delete(owner) || owners.size > 0) continue;
      this.edgeOwners.delete(id);
      this.edgeData.delete(id);
    }
    this.refreshFlags();
    return removed;
  }

  clear(): void {
    this.nodeData.clear();
    this.edgeData.clear();
    this.nodeOwners.clear();
    this.edgeOwners.clear();
  }

  private refreshFlags(): void {
    for (const [id, owners] of this.nodeOwners) {
      const node = this.nodeData.get(id)!;
      const flags = [...owners.values()];
      node.hasMoreUpstream = flags.every((f) => f.up);
      node.hasMoreDownstream = flags.every((f) => f.down);
    }
  }
}
