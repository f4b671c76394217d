import { sshCommandLine, type SshTarget } from './ssh-args.js';

/**
 * Why ssh could not give us the engine, with the next step. `code` is ECONNRESET for the
 * failures that may pass (sshd restarting, network gone, connection dropped): the patch
 * pipeline treats those as an engine drop (see src/docker/engine-drop.ts) and retries within
 * its window; a refused login or an unknown host key is final.
 */
export class SshError extends Error {
  constructor(
    message: string,
    readonly code?: 'ECONNRESET',
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/** ssh's stderr, without its warnings about added keys and multiplexing chatter. */
function reason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Warning: Permanently added|^@+$/.test(line));
  return lines.slice(-3).join(' / ') || 'no reason given';
}

/**
 * Classifies a failed ssh run by its stderr (OpenSSH's own wording: sshconnect.c, ssh.c,
 * mux.c). `target` names the host the way the user wrote it.
 */
export function sshFailure(target: SshTarget, stderr: string, exitCode: number | null): SshError {
  const who = `${target.username !== undefined ? `${target.username}@` : ''}${target.hostname}${target.port !== 22 ? ` port ${target.port}` : ''}`;
  const login = sshCommandLine(target);
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return new SshError(
      `the host key of ${who} has CHANGED since it was stored in known_hosts (an attack or a reinstalled host); check it with the host's owner, then drop the old key with \`ssh-keygen -R ${target.port !== 22 ? `'[${target.hostname}]:${target.port}'` : target.hostname}\``,
    );
  }
  if (/Host key verification failed|No \S+ host key is known for/i.test(stderr)) {
    return new SshError(
      `the host key of ${who} is not in known_hosts; connect once with \`${login}\`, check the fingerprint and answer yes, then rerun`,
    );
  }
  if (/Permission denied \(|Too many authentication failures/i.test(stderr)) {
    return new SshError(
      `${who} refused the login (${reason(stderr)}); add the key to ssh-agent (ssh-add) or name it with IdentityFile in ~/.ssh/config, and check that \`${login} docker version\` works`,
    );
  }
  const missing = /^.*docker: (command )?not found.*$|^.*docker: No such file.*$/im.exec(stderr);
  if (exitCode === 127 || missing) {
    return new SshError(
      `\`docker\` is not on the PATH of ${who} (${missing?.[0].trim() ?? reason(stderr)}); install the Docker CLI there (\`docker system dial-stdio\` is what runs), or check \`${login} docker version\``,
    );
  }
  if (/Could not resolve hostname/i.test(stderr)) {
    return new SshError(
      `ssh cannot resolve ${target.hostname} (${reason(stderr)}); check the name, or add a Host entry for it to ~/.ssh/config`,
    );
  }
  return new SshError(
    `ssh to ${who} failed (${reason(stderr)}${exitCode !== null ? `, exit ${exitCode}` : ''}); check that \`${login} docker version\` works`,
    'ECONNRESET',
  );
}

/** The ssh client itself cannot be run. */
export function sshMissing(error: NodeJS.ErrnoException): SshError {
  if (error.code === 'ENOENT')
    return new SshError(
      'the OpenSSH client `ssh` is not on the PATH; ssh:// engines run it as the docker CLI does: install it (apt-get install openssh-client)',
    );
  return new SshError(`cannot run ssh (${error.message})`);
}
