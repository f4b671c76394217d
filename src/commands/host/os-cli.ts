import { loadCertificates } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import { UserError } from '../../errors.js';
import {
  defaultDeps,
  osHostAdd,
  osHostRemove,
  osHostStatus,
  type OsHostDeps,
  type OsOutcome,
} from '../../host/os-host.js';
import type { OsStore } from '../../host/os-stores.js';
import { resolveTarget } from '../../undo/target.js';
import { writeLine, type Io } from '../../cli/io.js';

export interface HostOsRequest {
  verb: 'add' | 'remove' | 'status';
  certificate?: string;
  name?: string;
  password?: string;
  allowExpired?: boolean;
  allowLeaf?: boolean;
  json: boolean;
  commandLine: string;
  isRoot?: boolean;
}

/**
 * `host add|remove|status` on macOS and Windows (no --root): the OS store's own tool, through
 * src/host/os-host.ts. Exit 1 when a certificate failed; 2 for bad input, as elsewhere.
 */
export async function hostOsCli(
  store: OsStore,
  request: HostOsRequest,
  io: Io,
  deps: OsHostDeps = defaultDeps(),
): Promise<number> {
  const isRoot = request.isRoot ?? (process.getuid === undefined || process.getuid() === 0);
  if (request.verb !== 'status' && !isRoot)
    throw new UserError(
      `changing the System keychain needs root: run it again with sudo:\n  sudo ${request.commandLine}`,
    );
  let outcomes: OsOutcome[];
  if (request.verb === 'add') {
    const loaded = await loadCertificates(request.certificate!, {
      password: request.password,
      allowExpired: request.allowExpired,
      allowLeaf: request.allowLeaf,
      validate: true,
    });
    for (const warning of loaded.warnings) writeLine(io.stderr, `warning: ${warning}`);
    outcomes = await osHostAdd(store, installNames(loaded.certificates, request.name), deps);
  } else if (request.verb === 'remove')
    outcomes = await osHostRemove(
      store,
      await resolveTarget(request.certificate!, { password: request.password }),
      deps,
    );
  else outcomes = await osHostStatus(store, deps);
  const exitCode = outcomes.some(
    (o) => o.status === 'failed' || (request.verb === 'status' && o.status === 'not-present'),
  )
    ? 1
    : 0;
  if (request.json)
    writeLine(
      io.stdout,
      JSON.stringify(
        {
          schemaVersion: 1,
          command: `host ${request.verb}`,
          store: store.id,
          untested: true,
          certificates: outcomes,
          exitCode,
        },
        null,
        2,
      ),
    );
  else {
    for (const o of outcomes)
      writeLine(
        io.stdout,
        `${store.id}: ${o.subject} (SHA-256 ${o.fingerprint.slice(0, 16)}…): ${o.status}${o.detail ? `: ${o.detail}` : ''}`,
      );
    if (outcomes.length === 0) writeLine(io.stdout, `${store.id}: no certificate of trustpatch's in the record`);
    writeLine(
      io.stdout,
      `note: the ${store.id} commands are built from the vendor's documentation and untested on real ${store.id === 'macos' ? 'macOS' : 'Windows'}`,
    );
  }
  return exitCode;
}
