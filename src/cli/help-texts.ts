/**
 * What each command's --help ends with: one or two examples and its exit codes (the same
 * codes the command functions return: exitCodeFor, removeExitCode, statusExitCode, ...).
 */
export interface HelpText {
  examples: [command: string, what: string][];
  exitCodes: string;
}

const INPUT = '2 bad input or usage, nothing changed';
const ENGINE = '3 an engine did not answer';

export const HELP_TEXTS: Record<string, HelpText> = {
  add: {
    examples: [
      ['$0 add corp-ca.pem web api --check-url https://git.corp/', 'patch two containers and prove it with a check from inside'],
      ['$0 add corp-ca.pem --label env=dev --dry-run', 'show what would be done in every container labelled env=dev'],
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
    ],
    exitCodes: `0 done; 1 a container failed; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  status: {
    examples: [['$0 status --all', 'which trustpatch certificates are where, and which processes need a restart']],
    exitCodes: `0 read; 1 a container failed or holds an incomplete certificate; ${INPUT}; ${ENGINE}; 130 interrupted`,
  },
  dockerfile: {
    examples: [
      ['$0 dockerfile corp-ca.pem web --write-certs .', 'the lines for the image of container web, and the .crt files they COPY'],
      ['$0 dockerfile corp-ca.pem --family rhel', 'the lines for a RHEL-family image'],
    ],
    exitCodes: `0 printed; ${INPUT}; ${ENGINE}`,
  },
  inspect: {
    examples: [['$0 inspect bundle.p12 --password-file pw.txt', 'what add would install from a PKCS#12 file']],
    exitCodes: `0 add would take the file (warnings or not); ${INPUT.replace(', nothing changed', '')}: add would refuse it`,
  },
  'fetch-ca': {
    examples: [['$0 fetch-ca https://git.corp/ -o proxy-ca.pem', 'save the CA the proxy presents; inspect it before you add it']],
    exitCodes: `0 saved; 2 bad input, an existing -o file, or the server or proxy could not be read`,
  },
  registry: {
    examples: [['$0 registry add registry.corp:5000 --ca corp-ca.pem', 'make this engine trust a registry']],
    exitCodes: `see each command's --help`,
  },
  'registry add': {
    examples: [['$0 registry add registry.corp:5000 --ca corp-ca.pem', 'write /etc/docker/certs.d/registry.corp:5000/ca.crt']],
    exitCodes: `0 every file written or already there; 1 a write failed; ${INPUT}; ${ENGINE}`,
  },
  'registry lint': {
    examples: [['$0 registry lint', 'check /etc/docker/certs.d the way the engine reads it']],
    exitCodes: `0 clean; 1 problems found; ${INPUT}`,
  },
  'registry client-cert': {
    examples: [['$0 registry client-cert --ca-cert ca.pem --ca-key ca.key --cn ci -o out', 'out/client.cert and client.key, signed by ca.pem']],
    exitCodes: `0 written; ${INPUT}`,
  },
};

/**
 * Examples as their own lines, the command whole on one line (yargs' .example() splits it
 * into a narrow column), then the exit codes.
 */
export function helpEpilog(help: HelpText): string {
  const examples = help.examples.map(([command, what]) => `  ${command}\n      ${what}`);
  return [`Examples:\n${examples.join('\n')}`, `Exit codes: ${help.exitCodes}.`].join('\n\n');
}
