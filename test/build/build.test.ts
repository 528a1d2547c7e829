// The compiled package: `npm run build`'s compiler settings turn src/ into JavaScript that runs without tsx,
// and bin/contentstats.js starts it. Built into a folder of its own under .tmp/ (inside the checkout, so the
// compiled files find node_modules), so the checkout's own dist/ is left alone.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/ids.ts';
import { childEnv, freePort } from '../support/processes.ts';
import { createTestStore, type TestStore } from '../support/stores.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the compiled package', () => {
  const packageDir = join(root, '.tmp', `build-${randomBase62(8)}`);
  const bin = join(packageDir, 'bin', 'contentstats.js');
  let store: TestStore;

  beforeAll(async () => {
    mkdirSync(join(packageDir, 'bin'), { recursive: true });
    copyFileSync(join(root, 'bin', 'contentstats.js'), bin);
    // The compiled code reads its version from the package's manifest, one folder above dist/.
    copyFileSync(join(root, 'package.json'), join(packageDir, 'package.json'));
    // The dashboard's files ship beside dist/ (package.json `files`); the server reads them at start.
    cpSync(join(root, 'web'), join(packageDir, 'web'), { recursive: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = await run([
      tsc,
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      join(packageDir, 'dist'),
    ]);
    if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
    store = await createTestStore('sqlite');
  }, 120_000);
  afterAll(async () => {
    await store?.destroy();
    rmSync(packageDir, { recursive: true, force: true });
  });

  it('holds the service and none of the tests, fixtures or tsx', () => {
    const files = readdirSync(join(packageDir, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(files).toContain(join('cli', 'main.js'));
    expect(files.filter((file) => file.endsWith('.test.js') || file.includes('fixtures'))).toEqual([]);
    const importsTsx = files
      .filter((file) => file.endsWith('.js'))
      .filter((file) => /from ['"]tsx/.test(readFileSync(join(packageDir, 'dist', file), 'utf8')));
    expect(importsTsx).toEqual([]);
  });

  it('bin/contentstats.js runs the compiled command line', async () => {
    const help = await run([bin, '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: contentstats');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await run([bin, '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('the compiled server starts and answers /readyz', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: childEnv(store, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' }),
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/readyz`).then(
              (r) => r.status,
              () => 0,
            ),
          {
            timeout: 20_000,
            interval: 100,
          },
        )
        .toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('without dist/ the binary says to build, exit 2', async () => {
    const bare = join(packageDir, 'bare');
    mkdirSync(join(bare, 'bin'), { recursive: true });
    copyFileSync(bin, join(bare, 'bin', 'contentstats.js'));
    expect(existsSync(join(bare, 'dist'))).toBe(false);
    expect(await run([join(bare, 'bin', 'contentstats.js'), '--help'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'contentstats: dist/ is missing: run `npm run build` first (`npm ci` does it)\n',
    });
  });
});

describe('the packed package (`npm pack`, the `files` allow-list)', () => {
  it('ships the binary, the compiled code, the licence and the dashboard, never the tests or sources', async () => {
    const npm = await new Promise<Run>((resolve, reject) => {
      const child = spawn('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(npm.code, npm.stderr).toBe(0);
    const [packed] = JSON.parse(npm.stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = packed!.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['bin/contentstats.js', 'LICENSE', 'package.json', 'scripts/build-if-stale.js']),
    );
    expect(paths.filter((path) => /^(src|test|bench)\//.test(path) || path.endsWith('.test.js'))).toEqual([]);
    // dist/ and web/ are in the allow-list; they are packed when they exist in this checkout.
    if (existsSync(join(root, 'dist', 'cli', 'main.js'))) expect(paths).toContain('dist/cli/main.js');
    if (existsSync(join(root, 'web'))) expect(paths.some((path) => path.startsWith('web/'))).toBe(true);
  });
});

describe('`npm start` rebuilds a stale dist/ first (scripts/build-if-stale.js)', () => {
  const checkout = join(root, '.tmp', `stale-${randomBase62(8)}`);
  const script = join(checkout, 'scripts', 'build-if-stale.js');
  const built = join(checkout, 'dist', 'cli', 'main.js');
  const REBUILD = 'contentstats: src/ changed since the last build: npm run build\n';

  beforeAll(() => {
    mkdirSync(join(checkout, 'scripts'), { recursive: true });
    copyFileSync(join(root, 'scripts', 'build-if-stale.js'), script);
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
      copyFileSync(join(root, file), join(checkout, file));
    cpSync(join(root, 'src'), join(checkout, 'src'), { recursive: true });
  });
  afterAll(() => rmSync(checkout, { recursive: true, force: true }));

  it('builds when dist/ is missing, not when it is newer than every source, again when a source changes', async () => {
    expect(await run([script])).toEqual({ code: 0, stdout: '', stderr: REBUILD });
    expect(existsSync(built)).toBe(true);
    expect(await run([script])).toEqual({ code: 0, stdout: '', stderr: '' });
    const firstBuildMs = statSync(built).mtimeMs;
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(checkout, 'src', 'clock.ts'), later, later);
    expect(await run([script])).toEqual({ code: 0, stdout: '', stderr: REBUILD });
    expect(statSync(built).mtimeMs).toBeGreaterThan(firstBuildMs);
  }, 240_000);
});
