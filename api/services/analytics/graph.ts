/** The session graph: actors, components, hosts and sessions, and the edges between them. Definitions of the windows and states: ./shared.ts. */
import { type SQL, sql } from "drizzle-orm";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import { badInput } from "../../errors.js";
import {
  type AnalyticsQuery,
  boundedInt,
  checkText,
  GRAPH_NODE_TYPES,
  type GraphEdge,
  type GraphNode,
  type GraphNodeType,
  likePattern,
  num,
  type SessionGraph,
  ts,
} from "./shared.js";

/**
 * The who/what/where graph of the window's sessions: actors, components and hosts (weight: sessions)
 * and sessions (weight: commands). Sessions link to their actor, component and host (weight 1);
 * entities link to each other with the number of sessions they share. Breadth-first from the nodes
 * whose label contains `query` (case-insensitive; a session by its id), to `depth`; entities are added
 * before sessions at each level, heaviest and newest first, until `maxNodes` — then `truncated` is set.
 */
export async function sessionGraph(
  q: AnalyticsQuery,
  options: {
    query?: string | null;
    nodeType?: string | null;
    depth?: number | null;
    days?: number | null;
    maxNodes?: number | null;
  },
): Promise<SessionGraph> {
  const depth = boundedInt("depth", options.depth, 2, 0, QUERY_LIMITS.graphDepth);
  const maxNodes = boundedInt("maxNodes", options.maxNodes, 200, 1, QUERY_LIMITS.graphNodes);
  const since = q.since(options.days);
  const nodeType = options.nodeType ?? null;
  if (nodeType != null && !(GRAPH_NODE_TYPES as readonly string[]).includes(nodeType))
    throw badInput(`nodeType must be one of ${GRAPH_NODE_TYPES.join(", ")}`);
  const query = options.query ? checkText("query", options.query).trim() : "";

  const nodes = new Map<string, GraphNode>();
  const sessionRows = new Map<string, GraphSessionRow>();
  let truncated = false;
  const add = (type: GraphNodeType, label: string, d: number): boolean => {
    const id = `${type}:${label}`;
    if (nodes.has(id)) return false;
    if (nodes.size >= maxNodes) {
      truncated = true;
      return false;
    }
    nodes.set(id, { id, type, label, weight: 0, depth: d });
    return true;
  };

  // Level 0: the matching nodes, heaviest first.
  const entityColumns = { actor: sql`actor`, component: sql`component`, host: sql`hostname` } as const;
  const seedTypes = (nodeType ? [nodeType] : GRAPH_NODE_TYPES) as GraphNodeType[];
  for (const type of seedTypes) {
    if (type === "session") {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query)) {
        if (query || nodeType !== "session") continue;
      }
      const found = await graphSessions(
        q,
        query ? sql`id = ${query.toLowerCase()}::uuid` : sql`started_at >= ${ts(since)}`,
        maxNodes + 1,
      );
      for (const s of found) if (add("session", s.id, 0)) sessionRows.set(s.id, s);
      continue;
    }
    const column = entityColumns[type];
    const match = query ? sql` and ${column} ilike ${likePattern(query)} escape '\\'` : sql``;
    const found = await q.rows<{ label: string }>(sql`
      select ${column} as label, count(*) as n
      from sessions
      where started_at >= ${ts(since)} and ${column} is not null${match}
      group by 1 order by n desc, 1
      limit ${maxNodes + 1}`);
    for (const r of found) add(type, String(r.label), 0);
  }

  let frontier = [...nodes.values()];
  for (let d = 1; d <= depth && frontier.length > 0 && !truncated; d++) {
    const next: GraphNode[] = [];
    const sessionFrontier = frontier.filter((n) => n.type === "session");
    const entities = entitySets(q, frontier);
    // Entities first: those of the frontier's sessions, then those sharing sessions with frontier entities.
    for (const n of sessionFrontier) {
      const s = sessionRows.get(n.label);
      if (!s) continue;
      for (const [type, label] of sessionEntities(s))
        if (add(type, label, d)) next.push(nodes.get(`${type}:${label}`)!);
    }
    if (entities.any) {
      const triples = await entityTriples(q, since, entities);
      const neighbours = new Map<string, { type: GraphNodeType; label: string; weight: number }>();
      for (const t of triples) {
        const linked =
          entities.actors.includes(t.actor) ||
          entities.components.includes(t.component) ||
          (t.hostname != null && entities.hosts.includes(t.hostname));
        if (!linked) continue;
        for (const [type, label] of sessionEntities(t)) {
          const key = `${type}:${label}`;
          const cur = neighbours.get(key);
          if (cur) cur.weight += t.n;
          else neighbours.set(key, { type, label, weight: t.n });
        }
      }
      const ordered = [...neighbours.values()].sort(
        (a, b) => b.weight - a.weight || a.label.localeCompare(b.label),
      );
      for (const nb of ordered)
        if (add(nb.type, nb.label, d)) next.push(nodes.get(`${nb.type}:${nb.label}`)!);
      // Then the sessions of the frontier entities, newest first, as far as the bound allows.
      const room = maxNodes - nodes.size;
      const found = await graphSessions(
        q,
        sql`started_at >= ${ts(since)} and ${entityMatch(q, entities)}`,
        room + 1,
      );
      for (const s of found) {
        if (add("session", s.id, d)) {
          sessionRows.set(s.id, s);
          next.push(nodes.get(`session:${s.id}`)!);
        }
      }
    }
    frontier = next;
  }

  // Weights and edges, exactly, for what is in the graph.
  const all = entitySets(q, [...nodes.values()]);
  const edges = new Map<string, GraphEdge>();
  const link = (source: string, target: string, type: string, weight: number) => {
    if (!nodes.has(source) || !nodes.has(target)) return;
    const key = `${source}|${target}`;
    const e = edges.get(key);
    if (e) e.weight += weight;
    else edges.set(key, { source, target, type, weight });
  };
  if (all.any) {
    for (const t of await entityTriples(q, since, all)) {
      const a = `actor:${t.actor}`;
      const c = `component:${t.component}`;
      const h = t.hostname == null ? null : `host:${t.hostname}`;
      for (const key of [a, c, h]) {
        const node = key ? nodes.get(key) : undefined;
        if (node) node.weight += t.n;
      }
      link(a, c, "actor_component", t.n);
      if (h) {
        link(a, h, "actor_host", t.n);
        link(c, h, "component_host", t.n);
      }
    }
  }
  for (const s of sessionRows.values()) {
    const id = `session:${s.id}`;
    if (!nodes.has(id)) continue;
    nodes.get(id)!.weight = s.commandCount;
    link(`actor:${s.actor}`, id, "actor_session", 1);
    link(id, `component:${s.component}`, "session_component", 1);
    if (s.hostname != null) link(id, `host:${s.hostname}`, "session_host", 1);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated, maxNodes, depth };
}

function entitySets(_q: AnalyticsQuery, list: GraphNode[]) {
  const pick = (type: GraphNodeType) => list.filter((n) => n.type === type).map((n) => n.label);
  const actors = pick("actor");
  const components = pick("component");
  const hosts = pick("host");
  return { actors, components, hosts, any: actors.length + components.length + hosts.length > 0 };
}

function entityMatch(
  _q: AnalyticsQuery,
  e: { actors: string[]; components: string[]; hosts: string[] },
): SQL {
  // Arrays travel as one JSON parameter each: the same on both drivers.
  const arr = (v: string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(v)}::jsonb))`;
  return sql`(actor = any(${arr(e.actors)}) or component = any(${arr(e.components)}) or hostname = any(${arr(e.hosts)}))`;
}

async function entityTriples(
  q: AnalyticsQuery,
  since: Date,
  e: { actors: string[]; components: string[]; hosts: string[] },
) {
  const rows = await q.rows<Record<string, unknown>>(sql`
    select actor, component, hostname, count(*)::int as n
    from sessions
    where started_at >= ${ts(since)} and ${entityMatch(q, e)}
    group by 1, 2, 3`);
  return rows.map((r) => ({
    actor: String(r.actor),
    component: String(r.component),
    hostname: r.hostname == null ? null : String(r.hostname),
    n: num(r.n),
  }));
}

async function graphSessions(q: AnalyticsQuery, where: SQL, limit: number): Promise<GraphSessionRow[]> {
  const rows = await q.rows<Record<string, unknown>>(sql`
    select id::text as id, actor, component, hostname, command_count
    from sessions where ${where}
    order by started_at desc, id desc
    limit ${limit}`);
  return rows.map((r) => ({
    id: String(r.id),
    actor: String(r.actor),
    component: String(r.component),
    hostname: r.hostname == null ? null : String(r.hostname),
    commandCount: num(r.command_count),
  }));
}

interface GraphSessionRow {
  id: string;
  actor: string;
  component: string;
  hostname: string | null;
  commandCount: number;
}

function sessionEntities(s: {
  actor: string;
  component: string;
  hostname: string | null;
}): [GraphNodeType, string][] {
  const out: [GraphNodeType, string][] = [
    ["actor", s.actor],
    ["component", s.component],
  ];
  if (s.hostname != null) out.push(["host", s.hostname]);
  return out;
}
