// `contentstats <command>`: serve, worker, migrate, and the operator commands (accounts, credits, keys), built
// around an injected CliIo so that a test runs a command in its own process and reads its exit code.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './accounts.ts';
import { backupCommand } from './backup.ts';
import { doctorCommand } from './doctor.ts';
import { registerExportCommand } from './export.ts';
import { badUsage, CommandFailure, EXIT, type ExitCode } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { migrateCommand } from './migrate.ts';
import { registerPruneCommand } from './prune.ts';
import { serveCommand } from './serve.ts';
import { trackFileCommand } from './track-file.ts';
import { workerCommand } from './worker.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Help says which options a command cannot run without (commander enforces them but does not say so). */
function markRequiredOptions(command: Command): void {
  for (const option of command.options)
    if (option.mandatory && !option.description.endsWith('(required)'))
      option.description = `${option.description} (required)`;
  for (const sub of command.commands) markRequiredOptions(sub);
}

/** The command tree. Commander's own exits are turned into CommanderErrors (see runCli). */
export function buildProgram(io: CliIo): Command {
  const program = new Command()
    .name('contentstats')
    .description(
      'Track public video counts on TikTok, YouTube, Instagram and X. Configuration comes from the environment (see README).',
    )
    // Set before the subcommands are added: each inherits them.
    .version(version, '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 refused (e.g. no such account, not enough credit), 2 bad usage or configuration\n(including a database or port that needs fixing before the command can start).',
    );

  program
    .command('serve')
    .description(
      'Run the API, scheduler, collectors and email outbox (embedded mode), migrating the database first',
    )
    .option('--no-scheduler', 'serve the API only (scale mode: run `contentstats worker` elsewhere)')
    .action((options: { scheduler: boolean }) => serveCommand(io, { scheduler: options.scheduler }));

  program
    .command('worker')
    .description('Run the scheduler, collectors and email outbox without the API (scale mode on PostgreSQL)')
    .action(() => workerCommand(io));

  program
    .command('migrate')
    .description('Bring the database schema up to date, naming each migration applied, and exit')
    .option('--status', 'list the migrations as applied or pending and change nothing')
    .option('--json', 'print the result as JSON')
    .action((options: { status?: boolean; json?: boolean }) =>
      migrateCommand(io, { status: options.status === true, json: options.json === true }),
    );

  program
    .command('backup <file>')
    .description(
      'Copy the SQLite database to <file> while the service runs (a consistent snapshot); on PostgreSQL use pg_dump',
    )
    .option('--json', 'print the result as JSON')
    .action((file: string, options: { json?: boolean }) =>
      backupCommand(io, file, { json: options.json === true }),
    );

  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('doctor')
    .description(
      'Read one public video per platform through each source (same client, proxies and TLS as the collectors) and say which work; exit 1 if a platform has none',
    )
    .option('--json', 'print the results as JSON (for monitoring)')
    .option(
      '--video <link>',
      "a video to read instead of the platform's well-known one (repeatable)",
      collect,
      [],
    )
    .option('--platform <name>', 'check only this platform (repeatable)', collect, [])
    .option('--timeout <seconds>', 'per request', '15')
    .action((options: { json?: boolean; video: string[]; platform: string[]; timeout: string }) => {
      const timeoutSeconds = Number(options.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 300)
        badUsage('--timeout: a number of seconds between 0 and 300');
      return doctorCommand(io, {
        json: options.json === true,
        videos: options.video,
        platforms: options.platform,
        timeoutSeconds,
      });
    });

  registerAccountCommands(program, io);
  registerExportCommand(program, io);
  registerPruneCommand(program, io);

  program
    .command('track')
    .description(
      "Track every link of a file for an account, with the API's checks and money rules, item by item in order",
    )
    .requiredOption('--account <account>', 'the account (id or email)')
    .requiredOption('--file <path>', 'links: one per line, or a CSV')
    .option('--days <n>', 'days to track each link (a CSV duration_days cell overrides it)', '7')
    .option(
      '--tag <tag>',
      'a tag for every link (repeat for more)',
      (tag: string, all: string[]) => [...all, tag],
      [],
    )
    .option('--mode <mode>', 'live (charges the balance) or test (the simulator, free)', 'live')
    .option('--results <path>', "where each row's answer is written (CSV)", '<file>.results.csv')
    .option('--json', 'print the summary as one JSON document')
    .action(
      (options: {
        account: string;
        file: string;
        days: string;
        tag: string[];
        mode: string;
        results: string;
        json?: boolean;
      }) =>
        trackFileCommand(io, {
          ...options,
          ...(options.results === '<file>.results.csv' ? { results: undefined } : {}),
        }),
    );
  markRequiredOptions(program);
  return program;
}

/**
 * Runs one command line (without `node` and the script) and resolves with its exit code. A command that
 * keeps running (serve, worker) resolves once it has started. Only unexpected errors (bugs) are thrown.
 */
export async function runCli(args: string[], io: CliIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommandFailure) {
      writeLine(io.stderr, `contentstats: ${error.message}`);
      return error.exitCode;
    }
    // Commander has already printed its message (an unknown option, a missing argument) or the help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
}
