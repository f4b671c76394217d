/**
 * What each command's --help ends with: one or two examples and its exit codes (the same
 * codes the command functions return: exitCodeFor, removeExitCode, statusExitCode, ...).
 */
export interface HelpText {
  /** A sentence the reader must not miss, before the examples. */
  note?: string;
  examples: [command: string, what: string][];
  exitCodes: string;
}

/** What the host commands say about macOS and Windows. */
export const UNTESTED =
  'On macOS (security, System keychain) and Windows (certutil, Root store) the commands are built from the vendors’ documentation and untested on real macOS and Windows.';

const INPUT = '2 bad input or usage, nothing changed';
const ENGINE = '3 an engine did not answer';

export const HELP_TEXTS: Record<string, HelpText> = {
  add: {
    examples: [
      [
        '$0 add corp-ca.pem web api --check-url https://git.corp/',
        'patch two containers and prove it with a check from inside',
      ],
      ['$0 add corp-ca.pem --label env=dev --dry-run', 'show what would be done in every container labelled env=dev'],
      [
        '$0 add proxy-ca.pem --label env=dev --for 30m --watch',
        'trust for 30 minutes, also in containers that start meanwhile, then revert',
      ],
    ],
    exitCodes: `0 done (and every check passed); 1 a container failed or a check failed afterwards; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  check: {
    examples: [['$0 check --all --check-url https://git.corp/', 'check every running container; change nothing']],
    exitCodes: `0 every running container trusted; 1 a container untrusted, unreachable, unknown or failed; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  remove: {
    examples: [
      ['$0 remove corp-ca.pem web api', 'take out what add put in, by the same certificate file'],
      ['$0 remove 3f2a9c1b --all --dry-run', 'show what would be removed, by fingerprint prefix, everywhere'],
      ['$0 remove --expired --all', 'take out temporary trust whose session ended without reverting it (kill -9)'],
    ],
    exitCodes: `0 done; 1 a container failed; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  status: {
    examples: [['$0 status --all', 'which trustpatch certificates are where, and which processes need a restart']],
    exitCodes: `0 read; 1 a container failed or holds an incomplete certificate; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  dockerfile: {
    examples: [
      [
        '$0 dockerfile corp-ca.pem web --write-certs .',
        'the lines for the image of container web, and the .crt files they COPY',
      ],
      ['$0 dockerfile corp-ca.pem --family rhel', 'the lines for a RHEL-family image'],
    ],
    exitCodes: `0 printed; ${INPUT}; ${ENGINE}`,
  },
  inspect: {
    examples: [['$0 inspect bundle.p12 --password-file pw.txt', 'what add would install from a PKCS#12 file']],
    exitCodes: `0 add would take the file (warnings or not); ${INPUT.replace(', nothing changed', '')}: add would refuse it`,
  },
  'fetch-ca': {
    examples: [
      ['$0 fetch-ca https://git.corp/ -o proxy-ca.pem', 'save the CA the proxy presents; inspect it before you add it'],
    ],
    exitCodes: `0 saved; 2 bad input, an existing -o file, or the server or proxy could not be read`,
  },
  registry: {
    examples: [['$0 registry add registry.corp:5000 --ca corp-ca.pem', 'make this engine trust a registry']],
    exitCodes: `see each command's --help`,
  },
  'registry add': {
    examples: [
      ['$0 registry add registry.corp:5000 --ca corp-ca.pem', 'write /etc/docker/certs.d/registry.corp:5000/ca.crt'],
    ],
    exitCodes: `0 every file written or already there; 1 a write failed; ${INPUT}; ${ENGINE}`,
  },
  'registry lint': {
    examples: [['$0 registry lint', 'check /etc/docker/certs.d the way the engine reads it']],
    exitCodes: `0 clean; 1 problems found; ${INPUT}`,
  },
  'registry client-cert': {
    examples: [
      [
        '$0 registry client-cert --ca-cert ca.pem --ca-key ca.key --cn ci -o out',
        'out/client.cert and client.key, signed by ca.pem',
      ],
    ],
    exitCodes: `0 written; ${INPUT}`,
  },
  host: {
    examples: [['sudo $0 host add corp-ca.pem', 'trust corp-ca.pem on this machine']],
    exitCodes: `see each command's --help`,
  },
  'host add': {
    note: UNTESTED,
    examples: [
      ['sudo $0 host add corp-ca.pem', 'trust corp-ca.pem on this machine'],
      ['$0 host add corp-ca.pem --root /mnt/vm', 'trust it in the tree mounted at /mnt/vm'],
    ],
    exitCodes: `0 done (and every check passed); 1 a step failed (rolled back) or a check failed afterwards; 2 bad input or missing root privileges, nothing changed`,
  },
  'host remove': {
    examples: [['sudo $0 host remove corp-ca.pem', 'take out what host add put in']],
    exitCodes: `0 done; 1 a step failed (rolled back); 2 bad input or missing root privileges, nothing changed`,
  },
  'host status': {
    examples: [['$0 host status corp-ca.pem --root /mnt/vm', 'whether the tree at /mnt/vm trusts corp-ca.pem']],
    exitCodes: `0 read (and the named CA trusted); 1 a record is incomplete or the named CA is not trusted; ${INPUT}`,
  },
  image: {
    examples: [
      ['$0 image add corp-ca.pem debian:bookworm', 'write debian:bookworm-trustpatch, which trusts corp-ca.pem'],
    ],
    exitCodes: `see each command's --help`,
  },
  'image add': {
    examples: [
      [
        '$0 image add corp-ca.pem debian:bookworm -t debian:corp',
        'write debian:corp from debian:bookworm (which is never changed)',
      ],
    ],
    exitCodes: `0 the image was written; 1 the patch or the check failed (no image); ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  'image status': {
    examples: [['$0 image status debian:corp', 'which trustpatch CAs debian:corp carries']],
    exitCodes: `0 it carries at least one trustpatch CA and every one is in its files; 1 it carries none, or a file lost one; ${INPUT}; ${ENGINE}`,
  },
};

/**
 * Examples as their own lines, the command whole on one line (yargs' .example() splits it
 * into a narrow column), then the exit codes.
 */
export function helpEpilog(help: HelpText): string {
  const examples = help.examples.map(([command, what]) => `  ${command}\n      ${what}`);
  return [
    ...(help.note === undefined ? [] : [help.note]),
    `Examples:\n${examples.join('\n')}`,
    `Exit codes: ${help.exitCodes}.`,
  ].join('\n\n');
}
