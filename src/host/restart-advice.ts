import { readdir, readFile } from 'node:fs/promises';

/**
 * What still needs a restart after the host's trust changed, beyond the processes the runtime
 * scan lists: the Docker daemon reads the system roots once, when it starts, and uses them for
 * pulls and pushes (https://docs.docker.com/engine/network/ca-certs/), so pulls through an
 * intercepting proxy need it restarted; `trustpatch registry add` trusts one registry without.
 */
export async function hostRestartAdvice(caFile: string, procDir = '/proc'): Promise<string[]> {
  const running = await programsRunning(procDir, ['dockerd', 'containerd']);
  const advice: string[] = [];
  if (running.has('dockerd'))
    advice.push(
      `the Docker daemon read the system roots when it started: \`sudo systemctl restart docker\` (restarts containers without a restart policy too), or \`trustpatch registry add HOST --ca ${caFile}\` for one registry without a restart`,
    );
  if (running.has('containerd'))
    advice.push(
      'containerd reads the system roots when it starts: `sudo systemctl restart containerd` before pulls through the proxy',
    );
  return advice;
}

/** Which of `names` run on this machine, from each process's `comm` in /proc (cheap: one small read each). */
export async function programsRunning(procDir: string, names: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const pids = (await readdir(procDir).catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const comm = (await readFile(`${procDir}/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (names.includes(comm)) found.add(comm);
  }
  return found;
}
