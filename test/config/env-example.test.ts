// .env.example lists every variable of the configuration with its real default, and is up to date.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_EXAMPLE_PATH, renderEnvExample } from '../../scripts/env-example.ts';
import { CONFIG_VARIABLES, type ConfigVariable, loadConfig } from '../../src/config.ts';

const variables = Object.keys(CONFIG_VARIABLES) as ConfigVariable[];
const defaults = () => {
  const result = loadConfig({});
  if (!result.ok) throw new Error(result.error.problems.join('; '));
  return result.value;
};

describe('.env.example', () => {
  it('is what `npm run env:example` writes from the configuration table', () => {
    expect(readFileSync(ENV_EXAMPLE_PATH, 'utf8')).toBe(renderEnvExample());
  });

  it('names every variable once, commented out, so copying it changes nothing', () => {
    const lines = readFileSync(ENV_EXAMPLE_PATH, 'utf8').split('\n');
    const named = lines.filter((line) => /^# [A-Z_]+=/.test(line)).map((line) => line.slice(2).split('=')[0]);
    expect(named.sort()).toEqual([...variables].sort());
    expect(lines.filter((line) => line !== '' && !line.startsWith('#'))).toEqual([]);
    // Node's own parser reads each line back as the value it documents.
    const parsed = Object.fromEntries(
      lines
        .filter((line) => /^# [A-Z_]+=./.test(line))
        .map((line) => {
          const [name, ...rest] = line.slice(2).split('=');
          const raw = rest.join('=');
          return [name, raw.startsWith('"') ? raw.slice(1, -1) : raw];
        }),
    );
    for (const name of variables) {
      if (CONFIG_VARIABLES[name].default !== null) expect(parsed[name]).toBe(CONFIG_VARIABLES[name].default);
    }
  });

  it.each(variables)('%s: the documented default is the one the service applies', (name) => {
    const documented = CONFIG_VARIABLES[name].default;
    // Unset variables are written empty, which the service reads as unset.
    const result = loadConfig({ [name]: documented ?? '' });
    expect(result.ok && result.value).toEqual(defaults());
  });

  it.each(variables)('%s: is in the README configuration table', (name) => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'));
    expect(table).toContain(`\`${name}\``);
  });
});
