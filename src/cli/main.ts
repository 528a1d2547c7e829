// The `contentstats` process: reads `.env` from the working folder when there is one (variables already in the
// environment win), runs the command line and exits with its code once nothing is left to do (serve and worker
// keep running until a signal stops them). V8 is set up for a long-running server before any command runs
// (v8-settings.ts).
import { existsSync } from 'node:fs';
import { processIo } from './io.ts';
import { runCli } from './program.ts';
import { applyV8Settings } from './v8-settings.ts';

applyV8Settings();
if (existsSync('.env')) process.loadEnvFile('.env');
process.exitCode = await runCli(process.argv.slice(2), processIo());
