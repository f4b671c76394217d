/** Where an ssh:// engine lives, as parseHost returns it. */
export interface SshTarget {
  /** A host name, an address or a Host alias of ~/.ssh/config. */
  hostname: string;
  /** 22 means "not given": ssh then takes the Port of ~/.ssh/config, if any. */
  port: number;
  username?: string;
}

/** The ssh command line's destination part, the way the docker CLI builds it (cli/connhelper/ssh). */
function destination(target: SshTarget): string[] {
  const args: string[] = [];
  if (target.username !== undefined) args.push('-l', target.username);
  if (target.port !== 22) args.push('-p', String(target.port));
  // `--` ends the options: a host named "-oProxyCommand=…" is a host name, not an option.
  return [...args, '--', target.hostname];
}

/** How a user would type the login, for messages: `ssh -p 2222 ops@build-2`. */
export function sshCommandLine(target: SshTarget, command = ''): string {
  const port = target.port !== 22 ? `-p ${target.port} ` : '';
  const user = target.username !== undefined ? `${target.username}@` : '';
  return `ssh ${port}${user}${target.hostname}${command ? ` ${command}` : ''}`;
}

/**
 * The master connection: it authenticates once, then (ControlPersist) puts itself in the
 * background and the foreground process exits 0, or non-zero with ssh's reason on stderr.
 * It lives until `ssh -O exit` at the end of the run, or `persistSeconds` after its last
 * session if the run was killed. See ssh_config(5), ControlMaster / ControlPersist.
 */
export function masterArgs(target: SshTarget, controlPath: string, persistSeconds: number): string[] {
  return [
    '-o',
    'ControlMaster=yes',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    `ControlPersist=${persistSeconds}`,
    // A dead peer (sshd killed, network gone) is noticed within 3 x 5 s, not at TCP's pace.
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
    '-o',
    'ConnectTimeout=30',
    // The forwarded engine socket (forwardArgs) replaces one left by an earlier master.
    '-o',
    'StreamLocalBindUnlink=yes',
    '-o',
    'ExitOnForwardFailure=yes',
    // Nagle is off on both ends without asking: OpenSSH sets TCP_NODELAY in
    // ssh_packet_set_interactive (packet.c), which ssh calls for a master without a session
    // (-N) and sshd at the first session (the probe); seen with strace on OpenSSH 9.2.
    '-N',
    '-T',
    ...destination(target),
  ];
}

/**
 * One HTTP connection to the engine: a session through the master running `docker system
 * dial-stdio`, as `docker -H ssh://` does. ProxyCommand=false: when the master is gone, ssh
 * would otherwise open a connection of its own for every session (its fallback), which is
 * what overran sshd's MaxStartups; this way the session fails at once and the master is
 * started again, one handshake at a time.
 */
export function sessionArgs(target: SshTarget, controlPath: string): string[] {
  return [
    '-o',
    'ControlMaster=no',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    'ProxyCommand=false',
    '-T',
    ...destination(target),
    'docker',
    'system',
    'dial-stdio',
  ];
}

/**
 * Asks the remote `docker` which engine it uses (its current context, DOCKER_HOST included),
 * once per master: a unix socket there is forwarded (forwardArgs), so later connections are
 * channels of the master with no process on either side.
 */
export function probeArgs(target: SshTarget, controlPath: string): string[] {
  const session = sessionArgs(target, controlPath);
  return [...session.slice(0, -3), "docker context inspect --format '{{.Endpoints.docker.Host}}'"];
}

/** Adds to the running master a forward of local unix socket `local` to the remote engine's socket `remote` (ssh -O forward). */
export function forwardArgs(target: SshTarget, controlPath: string, local: string, remote: string): string[] {
  return ['-o', `ControlPath=${controlPath}`, '-O', 'forward', '-L', `${local}:${remote}`, ...destination(target)];
}

/** Asks the master to exit (the end of the run). */
export function exitArgs(target: SshTarget, controlPath: string): string[] {
  return ['-o', `ControlPath=${controlPath}`, '-O', 'exit', ...destination(target)];
}
