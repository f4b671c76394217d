import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCa } from './pki.js';
import { freePort, stopDaemon, waitForPort } from './local-daemon.js';

const run = promisify(execFile);
const CERTGEN = '/usr/lib/squid/security_file_certgen';

/** Squid as a TLS-intercepting proxy (ssl-bump) on 127.0.0.1, signing with a test CA. */
export interface LocalSquid {
  url: string;
  port: number;
  logPath: string;
  close(): Promise<void>;
}

/**
 * Starts Debian's squid-openssl with its own config in a temporary directory (installed by
 * scripts/ensure-proxy-tools.sh). It bumps every CONNECT, so clients see certificates it makes
 * and signs with `ca`, and does not verify upstream servers (they are the test's own).
 */
export async function startSquid(ca: TestCa, caKeyPem: string): Promise<LocalSquid> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-squid-'));
  // Squid drops to the `proxy` user when started as root: it must reach the directory and own its db.
  await chmod(dir, 0o755);
  const caPath = join(dir, 'squid-ca.pem');
  await writeFile(caPath, ca.pem + caKeyPem, { mode: 0o600 });
  const db = join(dir, 'ssl_db');
  await run(CERTGEN, ['-c', '-s', db, '-M', '4MB']);
  if (process.getuid?.() === 0) await run('chown', ['-R', 'proxy', db]);
  const port = await freePort();
  const logPath = join(dir, 'cache.log');
  await writeFile(join(dir, 'squid.conf'), config(dir, port, caPath, db, logPath));
  const log = await open(join(dir, 'squid.out'), 'w');
  const child = spawn('squid', ['-f', join(dir, 'squid.conf'), '-N', '-d', '1'], { stdio: ['ignore', log.fd, log.fd] });
  try {
    await waitForPort(port, child, 'squid');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    await log.close();
  }
  return { url: `http://127.0.0.1:${port}`, port, logPath, close: () => stopDaemon(child, dir) };
}

function config(dir: string, port: number, caPath: string, db: string, logPath: string): string {
  return [
    `http_port 127.0.0.1:${port} ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=${caPath}`,
    `sslcrtd_program ${CERTGEN} -s ${db} -M 4MB`,
    'sslcrtd_children 2 startup=1 idle=1',
    // Peek first, then bump: squid connects upstream before it makes its certificate, and copies
    // the server's names (subjectAltName IP:127.0.0.1) into it, as real interception does.
    'acl step1 at_step SslBump1',
    'ssl_bump peek step1',
    'ssl_bump bump all',
    // Upstream servers are the test's own, signed by CAs squid does not know.
    'tls_outgoing_options flags=DONT_VERIFY_PEER',
    'sslproxy_cert_error allow all',
    'http_access allow all',
    'cache deny all',
    'access_log none',
    'pinger_enable off',
    'shutdown_lifetime 0 seconds',
    `pid_filename ${join(dir, 'squid.pid')}`,
    `cache_log ${logPath}`,
    `coredump_dir ${dir}`,
    `netdb_filename none`,
    '',
  ].join('\n');
}
