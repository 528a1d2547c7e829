// compose.yaml and the Dockerfile cannot be built on every machine (no image registry on CI), so what can go
// wrong in them without a build is checked here: every command a service runs is one the CLI has, every
// variable it sets is one the configuration reads, and every long-running service has a health check.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program.ts';
import { CONFIG_VARIABLES } from '../../src/config.ts';

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: string[];
  restart?: string;
}

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const compose = parse(read('compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const ours = services.filter(([, service]) => service.image?.startsWith('contentstats'));
const inProfile = (profile: string) => services.filter(([, service]) => service.profiles?.includes(profile));
const replicas = (service: ComposeService) => service.deploy?.replicas ?? 1;

const silent = { write: () => true };
const program = buildProgram({ env: {}, stdout: silent, stderr: silent });

/** The command that `args` names, or a message saying which part the CLI does not have. */
function resolveCommand(args: readonly string[]): Command | string {
  let command: Command = program;
  const words = args.filter((arg) => !arg.startsWith('-'));
  for (const word of words) {
    const next = command.commands.find((c) => c.name() === word);
    if (!next) return `no command "${word}" under "${command.name()}"`;
    command = next;
  }
  for (const option of args.filter((arg) => arg.startsWith('-'))) {
    const name = option.split('=')[0];
    if (!command.options.some((o) => o.long === name || o.short === name))
      return `no option ${name} on "${command.name()}"`;
  }
  return command;
}

describe('compose.yaml', () => {
  it.each(ours)('%s runs a command the CLI has', (_name, service) => {
    expect(service.command, 'an explicit command').toBeDefined();
    const command = resolveCommand(service.command!);
    expect(typeof command === 'string' ? command : 'ok').toBe('ok');
  });

  it.each(ours)('%s sets only variables the configuration reads', (_name, service) => {
    const unknown = Object.keys(service.environment ?? {}).filter((name) => !(name in CONFIG_VARIABLES));
    expect(unknown).toEqual([]);
  });

  it.each(services.filter(([, service]) => service.restart !== 'no'))(
    '%s has a health check',
    (_name, service) => {
      expect(service.healthcheck?.test?.length).toBeGreaterThan(0);
    },
  );

  it("our services' health checks ask /readyz with Node (slim images have no curl)", () => {
    for (const [, service] of ours.filter(([, s]) => s.healthcheck)) {
      expect(service.healthcheck!.test!.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(service.healthcheck!.test![3]).toContain('/readyz');
    }
  });

  it('the embedded profile is one service on SQLite keeping its database in a named volume', () => {
    const embedded = inProfile('embedded');
    expect(embedded.map(([name]) => name)).toHaveLength(1);
    const [, service] = embedded[0]!;
    expect(service.command).toEqual(['serve']);
    expect(service.environment?.['DATABASE_URL']).toBe('sqlite:/data/contentstats.db');
    const volume = service.volumes?.[0]?.split(':');
    expect(volume?.[1]).toBe('/data');
    expect(Object.keys(compose.volumes)).toContain(volume?.[0]);
  });

  it('the scale profile: PostgreSQL with a health check, two API processes and two workers waiting for it', () => {
    const scale = Object.fromEntries(inProfile('scale'));
    expect(scale['postgres']?.healthcheck?.test).toContain('pg_isready');
    const api = Object.values(scale).filter((s) => s.command?.join(' ') === 'serve --no-scheduler');
    const workers = Object.values(scale).filter((s) => s.command?.join(' ') === 'worker');
    expect(api.reduce((n, s) => n + replicas(s), 0)).toBe(2);
    expect(workers.reduce((n, s) => n + replicas(s), 0)).toBe(2);
    for (const service of [...api, ...workers]) {
      expect(service.depends_on?.['postgres']).toEqual({ condition: 'service_healthy' });
      expect(service.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
  const instructions = (keyword: string) =>
    dockerfile
      .split('\n')
      .filter((line) => line.startsWith(`${keyword} `))
      .map((line) => line.slice(keyword.length + 1).trim());
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds on Node 22 slim in two stages and runs as a non-root user', () => {
    expect(instructions('FROM')).toEqual(['node:22-slim AS build', 'node:22-slim']);
    expect(runtime).toMatch(/\nUSER node\n/);
  });

  it('keeps the SQLite database in the /data volume by default', () => {
    expect(instructions('VOLUME')).toEqual(['/data']);
    expect(runtime).toContain('DATABASE_URL=sqlite:/data/contentstats.db');
  });

  it('runs the CLI under tini, and its default command exists', () => {
    const [entrypoint] = instructions('ENTRYPOINT');
    expect(JSON.parse(entrypoint!)).toEqual(['tini', '--', 'node', 'bin/contentstats.js']);
    const [cmd] = instructions('CMD');
    const command = resolveCommand(JSON.parse(cmd!) as string[]);
    expect(typeof command === 'string' ? command : 'ok').toBe('ok');
  });

  it('checks health with Node against /readyz', () => {
    const [healthcheck] = instructions('HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/readyz/);
  });

  it('.dockerignore keeps local data, secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.env', '*.db', '.git'])
      expect(ignored).toContain(entry);
  });
});
