// Writes .env.example from the configuration's own table (CONFIG_VARIABLES in src/config.ts):
// `npm run env:example`. test/config/env-example.test.ts fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../src/config.ts';

export const ENV_EXAMPLE_PATH = fileURLToPath(new URL('../.env.example', import.meta.url));

export function renderEnvExample(): string {
  const lines = [
    '# contentstats configuration. Copy this file to .env in the folder the service starts from: it is read at',
    '# start, and a variable already set in the environment wins over the file. Every variable is listed with its',
    '# default (commented out: the default applies). Generated from src/config.ts by `npm run env:example`.',
  ];
  for (const [name, { default: value, meaning }] of Object.entries(CONFIG_VARIABLES)) {
    lines.push('', `# ${meaning}`, value === null ? `# ${name}=` : `# ${name}=${quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Node's .env parser reads a value with spaces or # as written only inside quotes. */
const quote = (value: string): string => (/[\s#"'<>]/.test(value) ? `"${value}"` : value);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ENV_EXAMPLE_PATH, renderEnvExample());
}
