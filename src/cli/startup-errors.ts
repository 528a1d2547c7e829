// The ways a command fails to start that the operator fixes outside contentstats (a database to create, a
// server to start, a port to free), each classified once here and told as one line that names the fix,
// instead of a stack trace.

export type StartupProblem =
  | { kind: 'database_missing'; database: string }
  | { kind: 'database_unreachable'; host: string; port: number; reason: string }
  | { kind: 'database_login_refused'; user: string; reason: string }
  | { kind: 'database_permission_denied'; reason: string }
  | { kind: 'database_schema_missing' }
  | { kind: 'sqlite_unwritable'; path: string; reason: string }
  | { kind: 'scheduler_running'; path: string }
  | { kind: 'port_in_use'; port: number }
  | { kind: 'port_forbidden'; port: number }
  | { kind: 'host_unavailable'; host: string; reason: string };

/** PostgreSQL's SQLSTATE codes and Node's socket codes that mean something the operator has to fix. */
const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};
const SQLITE_OPEN_CODES = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH']);
const FILE_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'a file is in the way of its folder',
  ENOTDIR: 'a file is in the way of its folder',
};

/** A failure to open or migrate the database at `databaseUrl`, if it is one the operator fixes. */
export function classifyDatabaseError(error: unknown, databaseUrl: string): StartupProblem | undefined {
  const code = errorCode(error);
  if (code === undefined) return undefined;
  if (databaseUrl.startsWith('sqlite:')) {
    const reason = FILE_REASONS[code] ?? (SQLITE_OPEN_CODES.has(code) ? messageOf(error) : undefined);
    return reason === undefined
      ? undefined
      : { kind: 'sqlite_unwritable', path: databaseUrl.slice('sqlite:'.length), reason };
  }
  const url = parsePostgresUrl(databaseUrl);
  if (code === '3D000') return { kind: 'database_missing', database: url.database };
  if (code === '28P01' || code === '28000')
    return { kind: 'database_login_refused', user: url.user, reason: messageOf(error) };
  if (code === '42501') return { kind: 'database_permission_denied', reason: messageOf(error) };
  if (code === '3F000') return { kind: 'database_schema_missing' };
  const reason = CONNECTION_REASONS[code];
  if (reason !== undefined) return { kind: 'database_unreachable', host: url.host, port: url.port, reason };
  return undefined;
}

/** A failure to listen on `host`:`port`, if it is one the operator fixes. */
export function classifyListenError(
  error: unknown,
  address: { host: string; port: number },
): StartupProblem | undefined {
  switch (errorCode(error)) {
    case 'EADDRINUSE':
      return { kind: 'port_in_use', port: address.port };
    case 'EACCES':
      return { kind: 'port_forbidden', port: address.port };
    case 'EADDRNOTAVAIL':
      return { kind: 'host_unavailable', host: address.host, reason: 'not an address of this machine' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'host_unavailable', host: address.host, reason: 'host not found' };
    default:
      return undefined;
  }
}

/** One line: what is wrong, then what to do about it. */
export function describeStartupProblem(problem: StartupProblem): string {
  switch (problem.kind) {
    case 'database_missing':
      return `database "${problem.database}" does not exist: create it with createdb ${problem.database}`;
    case 'database_unreachable':
      return `cannot connect to PostgreSQL at ${problem.host}:${problem.port} (${problem.reason}): is the server running?`;
    case 'database_login_refused':
      return `PostgreSQL refused the login of user "${problem.user}" (${problem.reason}): check the user and password in DATABASE_URL`;
    case 'database_permission_denied':
      return `PostgreSQL refused to create the tables (${problem.reason}): grant the DATABASE_URL user CREATE on its schema`;
    case 'database_schema_missing':
      return 'the schema in search_path does not exist: create it with CREATE SCHEMA or fix DATABASE_URL';
    case 'sqlite_unwritable':
      return `cannot open the SQLite database ${problem.path} (${problem.reason}): make its folder writable or set DATABASE_URL`;
    case 'scheduler_running':
      return `another contentstats process runs the scheduler on ${problem.path}: stop it, or start this one as serve --no-scheduler (several schedulers on one database need PostgreSQL)`;
    case 'port_in_use':
      return `port ${problem.port} is already in use: stop the other process or set PORT`;
    case 'port_forbidden':
      return `not allowed to listen on port ${problem.port} (permission denied): use a port above 1023 or set PORT`;
    case 'host_unavailable':
      return `cannot listen on ${problem.host} (${problem.reason}): set HOST to an address of this machine, or 0.0.0.0`;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node tries each address of a host name in turn and reports all failures together.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The parts of a postgres:// URL a message names, with node-postgres's defaults. */
function parsePostgresUrl(databaseUrl: string): {
  host: string;
  port: number;
  user: string;
  database: string;
} {
  const url = new URL(databaseUrl);
  const user = decodeURIComponent(url.username) || process.env['USER'] || 'postgres';
  return {
    host: url.hostname || 'localhost',
    port: Number(url.port) || 5432,
    user,
    database: decodeURIComponent(url.pathname.slice(1)) || user,
  };
}
