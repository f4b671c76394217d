import type { Family } from '../distro/family.js';
import { certifiMarker } from '../app-stores/certifi.js';
import { javaAlias, STOREPASS } from '../app-stores/java.js';

export interface DockerfileCertificate {
  name: string;
  fingerprint: string;
  subject: string;
}

export interface DockerfileInput {
  family: Family;
  certificates: readonly DockerfileCertificate[];
  /** certifi files that are their Python's own store; `generic` asks each python3 for certifi.where(). */
  certifi: readonly string[] | 'generic';
  /** Standalone JDK keystores (with their keytool); `generic` uses `keytool -cacerts` (JDK 9+). */
  java: readonly { keystore: string; keytool: string }[] | 'generic';
  /** Set when a Node.js process was found: the file for NODE_EXTRA_CA_CERTS. */
  node: boolean;
  /** The image's user, to switch back to after the root steps; '' or '0'/'root' for root. */
  user: string;
}

/**
 * The Dockerfile lines that make a runtime patch permanent (it is lost when the container is
 * recreated): COPY each certificate to the family's anchor directory, install the trust store
 * package and run the update, then the certifi and Java steps. Pure: a function of the family record.
 */
export function dockerfileLines(input: DockerfileInput): string[] {
  const { family, certificates } = input;
  const lines = [
    `# trustpatch: ${certificates.map((c) => c.subject).join('; ')}, permanently, for the ${family.id} family`,
  ];
  lines.push(
    `# Save each certificate as PEM next to this Dockerfile: ${certificates.map((c) => `${c.name}.crt`).join(', ')} (trustpatch dockerfile --write-certs DIR writes them).`,
  );
  // The image runs as another user: its lines switch to root, and back at the end.
  const otherUser = input.user !== '' && input.user !== '0' && input.user !== 'root';
  if (family.anchorDir === undefined) return [...lines, ...genericLines(certificates)];
  const anchor = (c: DockerfileCertificate) => `${family.anchorDir}/${c.name}${family.anchorExtension}`;
  if (otherUser) lines.push('USER root');
  for (const c of certificates) lines.push(`COPY ${c.name}.crt ${anchor(c)}`);
  const install = installLines(family);
  const update = family.updateCommands[0]?.join(' ');
  const cleanup = family.installers[0]?.manager.endsWith('apt-get') ? ['rm -rf /var/lib/apt/lists/*'] : [];
  lines.push(`RUN ${[...install, ...cleanup, ...(update ? [update] : [])].join(' \\\n && ')}`);
  for (const c of certificates) {
    if (input.certifi === 'generic')
      lines.push(
        `RUN f="$(python3 -c 'import certifi; print(certifi.where())')" && { printf '\\n${certifiMarker(c.fingerprint)}\\n'; cat ${anchor(c)}; } >> "$f"`,
      );
    else
      for (const path of input.certifi)
        lines.push(`RUN { printf '\\n${certifiMarker(c.fingerprint)}\\n'; cat ${anchor(c)}; } >> ${path}`);
    if (input.java === 'generic')
      lines.push(
        `RUN keytool -importcert -noprompt -cacerts -storepass ${STOREPASS} -alias ${javaAlias(c.fingerprint)} -file ${anchor(c)}`,
      );
    else
      for (const store of input.java)
        lines.push(
          `RUN ${store.keytool} -importcert -noprompt -keystore ${store.keystore} -storepass ${STOREPASS} -alias ${javaAlias(c.fingerprint)} -file ${anchor(c)}`,
        );
  }
  if (input.node)
    lines.push(`ENV NODE_EXTRA_CA_CERTS=${certificates.length === 1 ? anchor(certificates[0]!) : family.bundles[0]}`);
  else
    lines.push(
      `# Node.js reads only its own store: ENV NODE_EXTRA_CA_CERTS=${certificates.length === 1 ? anchor(certificates[0]!) : family.bundles[0]}`,
    );
  if (otherUser) lines.push(`USER ${input.user}`);
  return lines;
}

/**
 * The install step. A family whose images differ in package manager (RHEL: dnf, microdnf on
 * UBI minimal, yum on EL7) gets an `[ -x MANAGER ]` chain over them, in the order add tries them;
 * one manager at several paths (Alpine's /sbin/apk, Wolfi's /usr/bin/apk) keeps the first path.
 */
function installLines(family: Family): string[] {
  const byName = new Map<string, Family['installers'][number]>();
  for (const installer of family.installers) {
    const name = installer.manager.split('/').pop()!;
    if (!byName.has(name)) byName.set(name, installer);
  }
  const run = (installer: Family['installers'][number]) =>
    installer.commands.map((argv) => [...installer.env, ...argv].join(' ')).join(' && ');
  if (byName.size <= 1)
    return family.installers[0]
      ? family.installers[0].commands.map((argv) => [...family.installers[0]!.env, ...argv].join(' '))
      : [];
  const branches = [...byName.values()].map(
    (installer, i) => `${i === 0 ? 'if' : 'elif'} [ -x ${installer.manager} ]; then ${run(installer)}`,
  );
  return [`${branches.join('; ')}; else echo "no ${[...byName.keys()].join(', ')} in this image" >&2; exit 1; fi`];
}

/** No update command (BusyBox, distroless): build the bundle in a Debian stage and copy it over. */
function genericLines(certificates: readonly DockerfileCertificate[]): string[] {
  return [
    '# This family has no update command (and often no shell): build the bundle in a Debian stage.',
    'FROM debian:bookworm-slim AS trustpatch-ca',
    'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates',
    ...certificates.map((c) => `COPY ${c.name}.crt /usr/local/share/ca-certificates/${c.name}.crt`),
    'RUN update-ca-certificates',
    '# ...then, in your final stage:',
    'COPY --from=trustpatch-ca /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
  ];
}
