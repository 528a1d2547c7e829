// `contentstats <command>`: serve, worker, migrate, and the operator commands (accounts, credits, keys).
import { Command } from 'commander';
import { registerAccountCommands } from './accounts.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';
import { workerCommand } from './worker.ts';

const program = new Command()
  .name('contentstats')
  .description(
    'Track public video counts on TikTok, YouTube, Instagram and X. Configuration comes from the environment (see README).',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description(
    'Run the API, scheduler, collectors and email outbox (embedded mode), migrating the database first',
  )
  .option('--no-scheduler', 'serve the API only (scale mode: run `contentstats worker` elsewhere)')
  .action(async (options: { scheduler: boolean }) => {
    await serveCommand({ scheduler: options.scheduler });
  });

program
  .command('worker')
  .description('Run the scheduler, collectors and email outbox without the API (scale mode on PostgreSQL)')
  .action(workerCommand);

program
  .command('migrate')
  .description('Bring the database schema up to date and exit')
  .action(migrateCommand);

registerAccountCommands(program);

await program.parseAsync(process.argv);
