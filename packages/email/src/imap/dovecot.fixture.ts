import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A throwaway dovecot (Debian `dovecot-imapd`) on 127.0.0.1 for tests. Not part of the package. */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  pass: string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'];

export function dovecotBinary(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `dovecot exited (${child.exitCode}): ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`,
      );
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
}

/**
 * Starts dovecot in the foreground with its own config in a temp dir: plaintext login allowed (on
 * loopback only), one passwd-file user, maildirs in the temp dir. As root, mail is owned by
 * `nobody` (dovecot refuses UID 0 for mail); as another user, everything runs as that user.
 */
export async function startDovecot(binary: string): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'ot-dc-'));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  for (const sub of ['mail', 'home']) {
    mkdirSync(join(dir, sub));
    if (root) chownSync(join(dir, sub), uid, gid);
  }
  const port = await freePort();
  const user = 'alice';
  const pass = 'wonderland';
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${pass}::::::\n`);
  const me = userInfo().username;
  const log = join(dir, 'dovecot.log');
  const config = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = omnithread-test-${port}
log_path = ${log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# No inotify in many containers: poll the mailbox every second while a client is in IDLE.
mailbox_idle_check_interval = 1 secs
mail_location = maildir:${dir}/mail/%u
first_valid_uid = ${uid}
last_valid_uid = ${uid}
first_valid_gid = 0
${root ? '' : `default_internal_user = ${me}\ndefault_login_user = ${me}\ndefault_internal_group = ${me}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), config);
  const child = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitForPort(port, child, log);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
