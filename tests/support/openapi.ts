import type { Express } from 'express';
import { z } from 'zod';

/**
 * Reading the served OpenAPI document back, independently of the code's zod schemas: $refs
 * resolved, JSON Schema turned into zod with z.fromJSONSchema, paths resolved against their
 * servers. Used by the contract tests.
 */
export interface OpenApiResponse {
  content?: Record<string, { schema: unknown }>;
  headers?: Record<string, { required?: boolean }>;
}
export interface OpenApiDoc {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown> & { servers?: Array<{ url: string }> }>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
}
type Operation = { responses: Record<string, OpenApiResponse>; security?: Array<Record<string, string[]>>; servers?: Array<{ url: string }> };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function deref(node: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, schemas));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    if (!(name in schemas)) throw new Error(`unresolved ${ref}`);
    return deref(schemas[name], schemas);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v, schemas)]));
}

/** Every operation as "METHOD /full/path" (the server's path prefix included), {param} style. */
export function documentedOperations(doc: OpenApiDoc): Map<string, Operation> {
  const prefixOf = (servers: Array<{ url: string }> | undefined) => new URL((servers ?? doc.servers)[0]?.url ?? 'http://x/').pathname.replace(/\/$/, '');
  const ops = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
      const operation = item[method] as Operation;
      // servers: the operation's, else the path's, else the document's
      ops.set(`${method.toUpperCase()} ${prefixOf(operation.servers ?? item.servers)}${path}`, operation);
    }
  }
  return ops;
}

/** Checks one recorded answer (by its full path, e.g. /api/v1/twitter) against the document; returns what does not match. */
export function mismatches(doc: OpenApiDoc, op: string, res: { status: number; body: unknown; headers: Record<string, unknown> }): string[] {
  const operation = documentedOperations(doc).get(op);
  if (!operation) return [`${op} is not in the document`];
  const documented = operation.responses[String(res.status)];
  if (!documented) return [`${op} answered ${res.status}, which is not documented`];
  const problems: string[] = [];
  const header = res.headers['content-type'];
  const contentType = typeof header === 'string' ? (header.split(';')[0]?.trim() ?? '') : '';
  // a documented range (video/*) covers its types
  const covered = (type: string) => type === contentType || (type.endsWith('/*') && contentType.startsWith(type.slice(0, -1)));
  if (documented.content && !Object.keys(documented.content).some(covered)) {
    problems.push(`${op} ${res.status}: Content-Type ${contentType || '(none)'} is not one of ${Object.keys(documented.content).join(', ')}`);
  }
  const schema = documented.content?.['application/json']?.schema;
  if (schema && contentType === 'application/json') {
    const parsed = z.fromJSONSchema(deref(schema, doc.components.schemas) as Parameters<typeof z.fromJSONSchema>[0]).safeParse(res.body);
    if (!parsed.success) problems.push(`${op} ${res.status}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required && res.headers[name.toLowerCase()] === undefined) problems.push(`${op} ${res.status}: header ${name} missing`);
  }
  return problems;
}

interface Layer {
  rawPath?: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/**
 * Every route the Express app answers, as "METHOD /full/path" with {param} placeholders, read
 * from the router stacks themselves (nested routers through their mount path, which Express 5's
 * router keeps as `layer.rawPath`; should that ever change, the walk finds no nested route and
 * the contract test's sanity check of known routes fails). `ALL` routes (the 405 answers) are
 * reported as such.
 */
export function appRoutes(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const methods = Object.keys(layer.route.methods).map((m) => (m === '_all' ? 'ALL' : m.toUpperCase()));
        return paths.flatMap((p) => methods.map((m) => `${m} ${prefix}${p}`.replace(/:(\w+)/g, '{$1}')));
      }
      const nested = layer.handle.stack;
      return nested ? walk(nested, `${prefix}${layer.rawPath === '/' ? '' : (layer.rawPath ?? '')}`) : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}
