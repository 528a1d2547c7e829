// Kysely builds and compiles a query's SQL on every call, which costs more than running a small indexed query.
// A prepared query is compiled once per dialect with placeholder arguments; each call only swaps the values.
// On SQLite it then runs the statement itself, synchronously, on the connection it belongs to: the open write
// transaction's, or (reads outside transactions) the committed-data reader's.
import type { Compilable, CompiledQuery } from 'kysely';
import type { Dialect, SqliteStatements, Store } from './database.ts';
import type { Executor } from './transaction.ts';

const PLACEHOLDER = '\u0000prepared-argument-';

type Statement = ReturnType<SqliteStatements['statement']>;

export function preparedQuery<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
  options: { readOnly?: boolean } = {},
): (ex: Executor, ...args: Args) => Promise<Row[]> {
  const run = preparedStatement(build, options);
  return async (ex, ...args) => run(ex, ...args);
}

/**
 * A prepared SELECT that answers at once (no promise) where it can: on SQLite, outside transactions or in one.
 * For the hottest read paths; everything else uses preparedRead.
 */
export function preparedReadNow<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
): (ex: Executor, ...args: Args) => Row[] | Promise<Row[]> {
  return preparedStatement(build, { readOnly: true });
}

function preparedStatement<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
  options: { readOnly?: boolean },
): (ex: Executor, ...args: Args) => Row[] | Promise<Row[]> {
  const compiledByDialect = new Map<Dialect, CompiledQuery<Row>>();
  // Where each parameter comes from: an argument's index, or -1 for a constant of the query itself.
  const sourcesByDialect = new Map<Dialect, number[]>();
  const statements = new WeakMap<SqliteStatements, Statement>();
  return (ex, ...args) => {
    let compiled = compiledByDialect.get(ex.dialect);
    let sources = sourcesByDialect.get(ex.dialect);
    if (!compiled || !sources) {
      const placeholders = args.map((_, i) => `${PLACEHOLDER}${i}`) as unknown as Args;
      compiled = build(ex, ...placeholders).compile();
      sources = compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(PLACEHOLDER)
          ? Number(value.slice(PLACEHOLDER.length))
          : -1,
      );
      compiledByDialect.set(ex.dialect, compiled);
      sourcesByDialect.set(ex.dialect, sources);
    }
    const constants = compiled.parameters;
    const parameters = sources.map((source, i) => (source < 0 ? constants[i] : args[source]));

    const connection =
      ex.sqliteTransaction ?? (options.readOnly ? (ex as Partial<Store>).readCommitted : undefined);
    if (connection) {
      let statement = statements.get(connection);
      if (!statement) {
        statement = connection.statement(compiled.sql);
        statements.set(connection, statement);
      }
      if (statement.reader) return statement.all(...parameters) as Row[];
      statement.run(...parameters);
      return [];
    }
    return ex.db.executeQuery<Row>({ ...compiled, parameters }).then((result) => result.rows);
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
