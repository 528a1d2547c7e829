// Kysely builds and compiles a query's SQL on every call, which costs more than running a small indexed query.
// A prepared query is compiled once per dialect with placeholder arguments; each call only swaps the values.
// On SQLite it then runs the statement itself, synchronously, on the connection it belongs to: the open write
// transaction's, or (reads outside transactions) the committed-data reader's.
import type { Compilable, CompiledQuery } from 'kysely';
import type { Dialect, SqliteStatements, Store } from './database.ts';
import type { Executor } from './transaction.ts';

const PLACEHOLDER = '\u0000prepared-argument-';

type Statement = ReturnType<SqliteStatements['statement']>;

/** A query prepared once per dialect, called with its arguments as one array. */
type Prepared<Row> = (ex: Executor, args: readonly unknown[]) => Row[] | Promise<Row[]>;

interface Shape<Row> {
  compiled: CompiledQuery<Row>;
  /** Where each parameter comes from: an argument's index, or -1 for a constant of the query itself. */
  sources: number[];
}

/** What a prepared query is made of: its SQL per dialect, the parameters of a call, the connection it runs on. */
function preparation<Row>(
  build: (ex: Executor, args: readonly unknown[]) => Compilable<Row>,
  readOnly: boolean,
) {
  const shapes: Partial<Record<Dialect, Shape<Row>>> = {};
  const shapeFor = (ex: Executor, argumentCount: number): Shape<Row> => {
    const placeholders = Array.from({ length: argumentCount }, (_, i) => `${PLACEHOLDER}${i}`);
    const compiled = build(ex, placeholders).compile();
    const sources = compiled.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(PLACEHOLDER)
        ? Number(value.slice(PLACEHOLDER.length))
        : -1,
    );
    const shape = { compiled, sources };
    shapes[ex.dialect] = shape;
    return shape;
  };
  return {
    shape: (ex: Executor, args: readonly unknown[]): Shape<Row> =>
      shapes[ex.dialect] ?? shapeFor(ex, args.length),
    parameters({ compiled, sources }: Shape<Row>, args: readonly unknown[]): unknown[] {
      const constants = compiled.parameters;
      const parameters: unknown[] = [];
      for (let i = 0; i < sources.length; i++) {
        const source = sources[i]!;
        parameters.push(source < 0 ? constants[i] : args[source]);
      }
      return parameters;
    },
    /** The SQLite connection that runs it at once, if any (none on PostgreSQL, nor for a write outside one). */
    connection: (ex: Executor): SqliteStatements | undefined =>
      ex.sqliteTransaction ?? (readOnly ? (ex as Partial<Store>).readCommitted : undefined),
  };
}

function prepare<Row>(
  build: (ex: Executor, args: readonly unknown[]) => Compilable<Row>,
  readOnly: boolean,
): Prepared<Row> {
  const query = preparation(build, readOnly);
  const statements = new WeakMap<SqliteStatements, Statement>();
  return (ex, args) => {
    const shape = query.shape(ex, args);
    const parameters = query.parameters(shape, args);
    const connection = query.connection(ex);
    if (connection) {
      let statement = statements.get(connection);
      if (!statement) {
        statement = connection.statement(shape.compiled.sql);
        statements.set(connection, statement);
      }
      // Spread, not an array: better-sqlite3 binds arguments faster than an array's elements (a 32-row chunk
      // by about 40%, measured).
      if (statement.reader) return statement.all(...parameters) as Row[];
      statement.run(...parameters);
      return [];
    }
    return ex.db.executeQuery<Row>({ ...shape.compiled, parameters }).then((result) => result.rows);
  };
}

export function preparedQuery<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
  options: { readOnly?: boolean } = {},
): (ex: Executor, ...args: Args) => Promise<Row[]> {
  const prepared = prepare((ex, args) => build(ex, ...(args as Args)), options.readOnly ?? false);
  return async (ex, ...args) => prepared(ex, args);
}

/**
 * A prepared SELECT that answers at once (no promise) where it can: on SQLite, outside transactions or in one.
 * For the hottest read paths; everything else uses preparedRead.
 */
export function preparedReadNow<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
): (ex: Executor, ...args: Args) => Row[] | Promise<Row[]> {
  const prepared = prepare((ex, args) => build(ex, ...(args as Args)), true);
  return (ex, ...args) => prepared(ex, args);
}

/**
 * A prepared SELECT of one row or none that answers at once where it can (as preparedReadNow), as the row's
 * values in the order they are selected. On SQLite they come without an object for the row, whose keys the
 * driver would intern again on every read: for the most frequent read of all (GET /usage's numbers).
 */
export function preparedReadValuesNow<Args extends readonly unknown[]>(
  build: (ex: Executor, ...args: Args) => Compilable<unknown>,
): (ex: Executor, ...args: Args) => unknown[] | undefined | Promise<unknown[] | undefined> {
  const query = preparation((ex, args) => build(ex, ...(args as Args)), true);
  const statements = new WeakMap<SqliteStatements, Statement>();
  return (ex, ...args) => {
    const shape = query.shape(ex, args);
    const parameters = query.parameters(shape, args);
    const connection = query.connection(ex);
    if (connection) {
      let statement = statements.get(connection);
      if (!statement) {
        statement = connection.valuesStatement(shape.compiled.sql);
        statements.set(connection, statement);
      }
      return statement.get(...parameters) as unknown[] | undefined;
    }
    // PostgreSQL's rows hold their columns in the order selected.
    return ex.db
      .executeQuery({ ...shape.compiled, parameters })
      .then(({ rows: [row] }) => (row === undefined ? undefined : Object.values(row as object)));
  };
}

/** A prepared SELECT: outside transactions on SQLite it reads committed data without waiting for writes. */
export function preparedRead<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ...args: Args) => Compilable<Row>,
): (ex: Executor, ...args: Args) => Promise<Row[]> {
  return preparedQuery(build, { readOnly: true });
}

/** Rows per prepared multi-row statement on SQLite. */
export const ROWS_PER_STATEMENT = 32;
/** A smaller multi-row statement for what is left (a batch of concurrent tracks is often 10–30 rows). */
const ROWS_PER_SMALL_STATEMENT = 8;
/** Up to this many rows (a track's few), PostgreSQL too runs the prepared one-row statement per row. */
const FEW_ROWS = 4;

/**
 * An INSERT of one row or many, `columns` fixing the statement's shape. Returns what it returns (RETURNING),
 * if anything. In a SQLite transaction the rows go through statements prepared once: a 32-row one for each
 * full chunk, an 8-row one for each full chunk of the rest, and a one-row one for the last few (building a
 * large insert with Kysely costs more than running it; one statement per row costs more than one per chunk).
 * Elsewhere (PostgreSQL, where a statement is a round trip) more than a few rows go in one multi-row statement.
 */
export function preparedInsertMany<RowValues extends Record<string, unknown>, Returned = unknown>(
  columns: readonly (keyof RowValues & string)[],
  build: (ex: Executor, rows: RowValues[]) => Compilable<Returned>,
): (ex: Executor, rows: readonly RowValues[]) => Promise<Returned[]> {
  const rowsOf = (values: readonly unknown[]): RowValues[] =>
    Array.from(
      { length: values.length / columns.length },
      (_, r) =>
        Object.fromEntries(columns.map((column, c) => [column, values[r * columns.length + c]])) as RowValues,
    );
  // Largest first; each is prepared once per connection, for its own row count.
  const statements = [ROWS_PER_STATEMENT, ROWS_PER_SMALL_STATEMENT, 1].map((rows) => ({
    rows,
    run: prepare((ex, values) => build(ex, rowsOf(values)), false),
  }));
  const flatten = (rows: readonly RowValues[]): unknown[] => {
    const values: unknown[] = [];
    for (const row of rows) for (const column of columns) values.push(row[column]);
    return values;
  };
  return async (ex, rows) => {
    if (rows.length === 0) return [];
    if (!ex.sqliteTransaction && rows.length > FEW_ROWS) {
      return ex.db.executeQuery(build(ex, [...rows]).compile()).then((r) => r.rows);
    }
    const returned: Returned[] = [];
    let at = 0;
    for (const statement of statements) {
      for (; at + statement.rows <= rows.length; at += statement.rows) {
        returned.push(...(await statement.run(ex, flatten(rows.slice(at, at + statement.rows)))));
      }
    }
    return returned;
  };
}

/**
 * A statement over a set of ids (`where id in (…)`). In a SQLite transaction it runs as statements prepared
 * once for 32 ids each, the last chunk padded by repeating an id (IN ignores repeats); elsewhere as one
 * statement over all ids.
 */
export function preparedForIds<Args extends readonly unknown[], Row>(
  build: (ex: Executor, ids: readonly string[], ...args: Args) => Compilable<Row>,
): (ex: Executor, ids: readonly string[], ...args: Args) => Promise<Row[]> {
  const chunk = prepare(
    (ex, values) =>
      build(
        ex,
        values.slice(0, ROWS_PER_STATEMENT) as string[],
        ...(values.slice(ROWS_PER_STATEMENT) as unknown as Args),
      ),
    false,
  );
  return async (ex, ids, ...args) => {
    if (ids.length === 0) return [];
    if (!ex.sqliteTransaction)
      return ex.db.executeQuery(build(ex, ids, ...args).compile()).then((r) => r.rows);
    const rows: Row[] = [];
    for (let at = 0; at < ids.length; at += ROWS_PER_STATEMENT) {
      const part = ids.slice(at, at + ROWS_PER_STATEMENT);
      while (part.length < ROWS_PER_STATEMENT) part.push(part[0]!);
      rows.push(...(await chunk(ex, [...part, ...args])));
    }
    return rows;
  };
}
