// The `contentstats` process: runs the command line and exits with its code once nothing is left to do
// (serve and worker keep running until a signal stops them).
import { processIo } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo());
