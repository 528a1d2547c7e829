// Kysely builds and compiles a query's SQL on every call, which costs more than running a small indexed query.
// A prepared query is compiled once per dialect with placeholder arguments; each call only swaps the values.
import type { Compilable, CompiledQuery } from 'kysely';
import type { Dialect } from './database.ts';
import type { Executor } from './transaction.ts';

const PLACEHOLDER = '\u0000prepared-argument-';

export function preparedQuery<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
  options: { readOnly?: boolean } = {},
): (ex: Executor, ...args: Args) => Promise<Row[]> {
  const compiledByDialect = new Map<Dialect, CompiledQuery<Row>>();
  return async (ex, ...args) => {
    let compiled = compiledByDialect.get(ex.dialect);
    if (!compiled) {
      const placeholders = args.map((_, i) => `${PLACEHOLDER}${i}`) as unknown as Args;
      compiled = build(ex, ...placeholders).compile();
      compiledByDialect.set(ex.dialect, compiled);
    }
    const parameters = compiled.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(PLACEHOLDER)
        ? args[Number(value.slice(PLACEHOLDER.length))]
        : value,
    );
    // A read outside any transaction goes to SQLite's committed-data reader, synchronously.
    if (options.readOnly && 'readCommitted' in ex && typeof ex.readCommitted === 'function') {
      return ex.readCommitted(compiled.sql, parameters) as Row[];
    }
    const result = await ex.db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}

/** A prepared SELECT: outside transactions on SQLite it reads committed data without waiting for writes. */
export function preparedRead<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
): (ex: Executor, ...args: Args) => Promise<Row[]> {
  return preparedQuery(build, { readOnly: true });
}

/**
 * An INSERT of one row, prepared like preparedQuery: `columns` fixes the statement's shape, and each call binds
 * the row's values in that order. Returns what the statement returns (RETURNING), if anything.
 */
export function preparedInsert<RowValues extends Record<string, unknown>, Returned = unknown>(
  columns: readonly (keyof RowValues & string)[],
  build: (ex: Executor, row: RowValues) => Compilable<Returned>,
): (ex: Executor, row: RowValues) => Promise<Returned[]> {
  const query = preparedQuery((ex, ...values: unknown[]) =>
    build(ex, Object.fromEntries(columns.map((column, i) => [column, values[i]])) as RowValues),
  );
  return (ex, row) => query(ex, ...columns.map((column) => row[column]));
}
