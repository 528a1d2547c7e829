// `contentstats <command>`: serve, worker, migrate, and the operator commands (accounts, credits, keys).
import { Command, InvalidArgumentError } from 'commander';
import { registerAccountCommands } from './accounts.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';

const program = new Command()
  .name('contentstats')
  .description(
    'Track public video counts on TikTok, YouTube, Instagram and X. Configuration comes from the environment (see README).',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description(
    'Run the API, dashboard, scheduler and collectors (embedded mode), migrating the database first',
  )
  .option('--no-scheduler', 'serve the API only (scale mode: run `contentstats worker` elsewhere)')
  .action(async (options: { scheduler: boolean }) => {
    await serveCommand({ scheduler: options.scheduler });
  });

program
  .command('migrate')
  .description('Bring the database schema up to date and exit')
  .action(migrateCommand);

registerAccountCommands(program);

export const parsePositiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
};

await program.parseAsync(process.argv);
