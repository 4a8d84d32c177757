import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// A PostgreSQL server for the tests and the benchmark: a throwaway cluster in a temp directory, or
// the server OMNITHREAD_TEST_PG_URL names. Plain JavaScript so the benchmark runs it with node alone.
//
// A server is { adminUrl, urlOf(database), stop() }: adminUrl points at the `postgres` database.

/** Where Debian keeps initdb and pg_ctl (not on PATH), newest version first. */
export function findPostgresBin() {
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && existsSync(join(onPath, '..', 'initdb'))) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why real-PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable() {
  if (process.env.OMNITHREAD_TEST_PG_URL) return undefined;
  if (!findPostgresBin())
    return 'PostgreSQL binaries (initdb, pg_ctl) not found: run packages/postgres/ci/setup.sh or set OMNITHREAD_TEST_PG_URL';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    return 'running as root and there is no `postgres` user to run the server as (initdb refuses root)';
  }
  return undefined;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const withDatabase = (url, database) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/**
 * Starts a throwaway cluster in a temp directory on 127.0.0.1 and a free port (trust auth), as user
 * `postgres` when we are root. By default a test server: no fsync, no synchronous commit. With
 * `durable: true` (the benchmark) it keeps PostgreSQL's durable defaults (fsync, synchronous_commit,
 * full_page_writes) and a realistic `shared_buffers`. `extra` adds `-c name=value` settings.
 * `stop()` stops it and removes the directory. With OMNITHREAD_TEST_PG_URL set, that server is used
 * and left running.
 *
 * @param {{ durable?: boolean, extra?: string[] }} [options]
 */
export async function startTestServer({ durable = false, extra = [] } = {}) {
  const external = process.env.OMNITHREAD_TEST_PG_URL;
  if (external)
    return {
      adminUrl: external,
      urlOf: (db) => withDatabase(external, db),
      socketUrlOf: (db) => withDatabase(external, db),
      stop: async () => undefined,
    };
  const bin = findPostgresBin();
  if (!bin) throw new Error(postgresUnavailable());
  const dir = mkdtempSync(join(tmpdir(), 'omnithread-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool, args) => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    return execFileSync(cmd, argv, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
  };
  run('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    ...(durable
      ? ['-c shared_buffers=256MB']
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    '-c max_connections=200',
    ...extra,
  ].join(' ');
  try {
    run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    urlOf: (db) => withDatabase(adminUrl, db),
    /** The same database through the server's Unix-domain socket (no TCP). */
    socketUrlOf: (db) => `postgres://postgres@/${db}?host=${encodeURIComponent(dir)}&port=${port}`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs statements on the server's admin database (CREATE DATABASE cannot run in a transaction). */
export async function admin(server, ...statements) {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

let counter = 0;
/** A fresh database name, unique across test files and processes. */
export const databaseName = (prefix) => `${prefix}_${process.pid}_${++counter}_${Date.now().toString(36)}`;
