import { posix } from 'node:path';
import { findProgram } from '../check/clients.js';
import type { ContainerClient } from '../docker/container-client.js';
import { probeGo } from './go-binary.js';
import { usesOpenSslStore } from './node-store.js';
import { scanProcesses, type ScannedProcess } from './scan.js';

export type Runtime = 'node' | 'go' | 'java';

/** A running process that does not see a trust change until it is restarted (or reconfigured). */
export interface RestartNote {
  /** The pid inside the container, or the engine's host pid when /proc could not be read (`hostPid`). */
  pid: number | string;
  runtime: Runtime | 'unknown';
  command: string;
  /** What the user should do, exactly: the variable or flag to add, and the restart. */
  advice: string;
}

export interface TrustPaths {
  /** A PEM file holding the CA for NODE_EXTRA_CA_CERTS: the anchor, else the main bundle. */
  caFile: string;
  /** When the CA went in; processes started later have read the new trust. Undefined: now. */
  since?: Date;
  /** An OpenSSL hash link in /etc/ssl/certs leads to the CA (the update command made one). */
  hashLinked?: boolean;
}

/** Whether an executable is a Go program, by image and path: see ScanOptions.goBinaries. */
export type GoProbes = Map<string, Promise<boolean | undefined>>;

/** How the processes are read. */
export interface ScanOptions {
  /** The shell that reads /proc; without one only the engine's `top` is known. */
  shell: string | undefined;
  /** The container's image: with `goBinaries`, its executables are probed once a run. */
  imageId?: string;
  /**
   * Whether an executable is a Go program, by image and path, shared by the containers of one
   * run: a fleet of one image runs the same binaries, so each is read once, not once a container.
   */
  goBinaries?: GoProbes;
  /** The processes as already read after the write (src/update/update-and-read.ts): no scan of its own then. */
  scanned?: ScannedProcess[];
}

/**
 * Processes that will not see the CA until restarted: Node.js (its own store;
 * NODE_EXTRA_CA_CERTS is read at start only), Go (reads the system bundle once per process)
 * and JVMs (read their keystore at start). Read from the container's /proc through one shell;
 * without a shell only the engine's `top` is known, and Node/Java are recognized by command.
 */
export async function restartNotes(
  client: ContainerClient,
  id: string,
  scan: ScanOptions,
  paths: TrustPaths,
): Promise<RestartNote[]> {
  const scanned = scan.scanned ?? (await scanProcesses(client, id, scan.shell).catch(() => undefined));
  if (scanned === undefined) return topNotes(client, id, paths);
  let head: Promise<string | undefined> | undefined;
  const shared = scan.goBinaries !== undefined && scan.imageId !== undefined && scan.imageId !== '';
  const goCache: GoProbes = shared ? scan.goBinaries! : new Map();
  const nodeCache = new Map<string, Promise<boolean | undefined>>();
  const notes: RestartNote[] = [];
  for (const running of scanned) {
    const runtime = knownRuntime(running.exe ?? running.command.split(' ')[0] ?? '');
    let kind: Runtime | undefined = runtime;
    if (kind === undefined && running.exe !== undefined && !running.exe.endsWith(' (deleted)')) {
      const key = shared ? `${scan.imageId} ${running.exe}` : running.exe;
      if (!goCache.has(key)) {
        head ??= findProgram(client, id, 'head');
        const exe = running.exe;
        const probe = head.then((found) => probeGo(client, id, found, exe)).catch(() => undefined);
        goCache.set(key, probe);
        // Only a real answer serves the other containers: a probe that could not run is tried again.
        if (shared)
          void probe.then((answer) => answer === undefined && goCache.get(key) === probe && goCache.delete(key));
      }
      if ((await goCache.get(key)) === true) kind = 'go';
    }
    if (kind === undefined) continue;
    const openssl = kind === 'node' ? await usesOpenSslStore(client, id, running, nodeCache) : undefined;
    const advice = openssl === true ? opensslNodeAdvice(running, paths) : adviceFor(kind, running, paths);
    if (advice !== undefined) notes.push({ pid: running.pid, runtime: kind, command: running.command, advice });
  }
  return notes;
}

/**
 * A Node.js on OpenSSL's store (Debian's) looks CAs up in /etc/ssl/certs when it needs them:
 * with a hash link to the CA it sees it without a restart; the bundle it read only at start.
 */
function opensslNodeAdvice(running: ScannedProcess, paths: TrustPaths): string | undefined {
  if (paths.hashLinked === true || startedAfter(running, paths)) return undefined;
  return 'restart needed: this Node.js uses the system store (OpenSSL default), whose bundle it read at start, and no hash link in /etc/ssl/certs leads to the CA';
}

function knownRuntime(program: string): Runtime | undefined {
  const base = posix.basename(program);
  if (base === 'node' || base === 'nodejs') return 'node';
  if (base === 'java') return 'java';
  return undefined;
}

function adviceFor(kind: Runtime, running: ScannedProcess, paths: TrustPaths): string | undefined {
  const after = startedAfter(running, paths);
  if (kind === 'node') {
    const extra = running.env?.NODE_EXTRA_CA_CERTS;
    const useSystem =
      running.env?.NODE_USE_SYSTEM_CA === '1' ||
      /--use-system-ca/.test(`${running.env?.NODE_OPTIONS ?? ''} ${running.command}`);
    if (after && (extra === paths.caFile || useSystem)) return undefined;
    if (running.env === undefined)
      return `restart needed; Node.js reads CAs only at start and not from the system store: start it with NODE_EXTRA_CA_CERTS=${paths.caFile} (its environment could not be read)`;
    if (extra === paths.caFile || useSystem)
      return `restart needed: Node.js read ${useSystem ? 'the system store' : `NODE_EXTRA_CA_CERTS=${extra}`} when it started, before the CA was added`;
    if (extra !== undefined)
      return `restart needed, with NODE_EXTRA_CA_CERTS=${paths.caFile} instead of ${extra} (or append the CA to ${extra}): Node.js reads it only at start`;
    return `restart needed, with NODE_EXTRA_CA_CERTS=${paths.caFile} in its environment: Node.js does not read the system store, and reads that variable only at start`;
  }
  if (after) return undefined;
  if (kind === 'go')
    return `restart needed: Go reads the system bundle once per process${running.env?.SSL_CERT_FILE ? ` (it uses SSL_CERT_FILE=${running.env.SSL_CERT_FILE})` : ''}`;
  return 'restart needed: a running JVM read its keystore when it started';
}

/**
 * Without a shell: the engine's process list (host pids). Node.js and Java are recognized by
 * command name; any other program may be a Go binary, which cannot be told without reading it.
 */
async function topNotes(client: ContainerClient, id: string, paths: TrustPaths): Promise<RestartNote[]> {
  const rows = await client.top(id).catch(() => []);
  return rows.map((row): RestartNote => {
    const runtime = knownRuntime(row.command.split(' ')[0] ?? '');
    const running: ScannedProcess = {
      pid: 0,
      uid: undefined,
      exe: undefined,
      command: row.command,
      env: undefined,
      startedAt: undefined,
    };
    if (runtime !== undefined)
      return {
        pid: `host ${row.hostPid}`,
        runtime,
        command: row.command,
        advice: adviceFor(runtime, running, { ...paths, since: undefined })!,
      };
    return {
      pid: `host ${row.hostPid}`,
      runtime: 'unknown',
      command: row.command,
      advice:
        'may need a restart: with no shell in the container its /proc cannot be read, so whether it is a Go program (which reads the CA bundle only at start) is not known',
    };
  });
}

/**
 * Whether restarting the container is all the note asks for: not a Node.js that also needs a
 * variable in its environment, nor an unknown program whose start time could not be read.
 */
export function restartCures(note: RestartNote): boolean {
  return note.runtime !== 'unknown' && note.advice.startsWith('restart needed:');
}

function startedAfter(running: ScannedProcess, paths: TrustPaths): boolean {
  return (
    paths.since !== undefined && running.startedAt !== undefined && running.startedAt.getTime() > paths.since.getTime()
  );
}
