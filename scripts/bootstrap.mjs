#!/usr/bin/env node
// Makes the README's commands work on a machine that has only Node and npm: it finds pnpm 10 (or
// runs it through npx), installs the workspace when needed, builds the packages whose sources
// changed, then runs what was asked: `demo`, `test`, `bench` or `omnithread <args>`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM = 'pnpm@10.34.9';
const [mode = 'demo', ...args] = process.argv.slice(2);
const env = { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' };

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (probe.status === 0 && probe.stdout.startsWith('10.')) return ['pnpm', []];
  return ['npx', ['-y', PNPM]];
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const [pnpmCmd, pnpmArgs] = pnpm();
const marker = join(root, 'node_modules', '.modules.yaml');
if (!existsSync(marker) || newest(join(root, 'pnpm-lock.yaml')) > statSync(marker).mtimeMs) {
  console.error('omnithread: installing dependencies (pnpm install)…');
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  if (run(pnpmCmd, [...pnpmArgs, 'install', ...frozen]) !== 0) process.exit(1);
}

// Build each package whose sources are newer than its build.
const packagesDir = join(root, 'packages');
const stale = readdirSync(packagesDir).filter((name) => {
  const dir = join(packagesDir, name);
  if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tsup.config.ts'))) return false;
  const built = newest(join(dir, 'dist'));
  return built === 0 || Math.max(newest(join(dir, 'src')), newest(join(dir, 'package.json'))) > built;
});
if (stale.length > 0) {
  console.error(`omnithread: building ${stale.join(', ')}…`);
  const filters = stale.flatMap((name) => ['--filter', `./packages/${name}`]);
  if (
    run(pnpmCmd, [...pnpmArgs, '-r', ...filters, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }) !== 0
  )
    process.exit(1);
}

const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const bin = (name) => join(root, 'node_modules', '.bin', name);
switch (mode) {
  case 'demo':
    process.exit(run(process.execPath, [cli, 'demo', ...args]));
    break;
  case 'omnithread':
    process.exit(run(process.execPath, [cli, ...args]));
    break;
  case 'test':
    process.exit(run(bin('vitest'), ['run', ...args]));
    break;
  case 'bench':
    process.exit(run(process.execPath, [join(root, 'bench', 'run.mjs'), ...args]));
    break;
  case 'build':
    break;
  default:
    console.error(`unknown mode ${mode}: demo | test | bench | omnithread | build`);
    process.exit(2);
}
