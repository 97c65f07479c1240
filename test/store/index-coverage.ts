// Decides, the way MongoDB's planner would at the least, whether an index can serve a query: its
// partial filter is stated in the query, its leading field bounds the scan (or, for an unfiltered
// read, it walks in the sort's order), and the sort follows its equality prefix.

export type IndexSpec = [keys: Record<string, 1 | -1>, options: Record<string, unknown>];
type Kind = 'eq' | 'in' | 'range' | 'other';

const OPERATORS_RANGE = ['$lt', '$lte', '$gt', '$gte'];

function kindOf(value: unknown): Kind {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return 'eq';
  const keys = Object.keys(value);
  if (!keys.some((key) => key.startsWith('$'))) return 'eq';
  if (keys.includes('$eq')) return 'eq';
  if (keys.includes('$in')) return 'in';
  if (keys.some((key) => OPERATORS_RANGE.includes(key))) return 'range';
  return 'other';
}

/** Fields the filter constrains, and how; `$and` clauses merge, a field bounded in every `$or` branch counts as a range. */
function constraints(filter: Record<string, unknown>): Map<string, Kind> {
  const found = new Map<string, Kind>();
  const strongest = (field: string, kind: Kind) => {
    const order: Kind[] = ['other', 'range', 'in', 'eq'];
    const current = found.get(field);
    if (!current || order.indexOf(kind) > order.indexOf(current)) found.set(field, kind);
  };
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') for (const clause of value as Record<string, unknown>[]) for (const [field, kind] of constraints(clause)) strongest(field, kind);
    else if (key === '$or') {
      const branches = (value as Record<string, unknown>[]).map(constraints);
      for (const field of branches[0]?.keys() ?? []) if (branches.every((b) => b.has(field) && b.get(field) !== 'other')) strongest(field, 'range');
    } else if (!key.startsWith('$')) strongest(key, kindOf(value));
  }
  return found;
}

/** Every predicate of the partial filter appears, as is, in the query (MongoDB's subset rule, at its plainest). */
function statesPartialFilter(filter: Record<string, unknown>, partial: Record<string, unknown>): boolean {
  const clauses = [filter, ...((filter.$and as Record<string, unknown>[] | undefined) ?? [])];
  return Object.entries(partial).every(([field, predicate]) =>
    clauses.some((clause) => {
      const value = clause[field];
      if (JSON.stringify(value) === JSON.stringify(predicate)) return true;
      if (predicate === null || typeof predicate !== 'object' || value === null || typeof value !== 'object') return false;
      return Object.entries(predicate).every(([op, operand]) => JSON.stringify((value as Record<string, unknown>)[op]) === JSON.stringify(operand));
    }),
  );
}

export function indexServes([keys, options]: IndexSpec, filter: Record<string, unknown>, sort: Record<string, 1 | -1>): boolean {
  const partial = options.partialFilterExpression as Record<string, unknown> | undefined;
  if (partial && !statesPartialFilter(filter, partial)) return false;
  const bounds = constraints(filter);
  const fields = Object.keys(keys);
  let prefix = 0;
  while (prefix < fields.length && ['eq', 'in'].includes(bounds.get(fields[prefix]!) ?? 'other')) prefix++;
  const sortKeys = Object.entries(sort);
  const sortFollows =
    prefix + sortKeys.length <= fields.length &&
    sortKeys.every(([field], i) => fields[prefix + i] === field) &&
    new Set(sortKeys.map(([field, direction]) => keys[field]! * direction)).size <= 1;
  if (sortKeys.length && !sortFollows) return false;
  const leading = bounds.get(fields[0]!);
  // The scan is bounded by the leading field, or (unfiltered on it) walks the index in the sort's order.
  return (leading !== undefined && leading !== 'other') || (sortKeys.length > 0 && prefix === 0);
}

export function queryServedBy(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, indexes: IndexSpec[]): boolean {
  return indexes.some((index) => indexServes(index, filter, sort));
}
