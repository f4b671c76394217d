import { FakeContainer } from './fake-client.js';

export const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const ANCHORS = '/usr/local/share/ca-certificates';

/**
 * A fake Debian container whose update-ca-certificates behaves like the real one: the bundle is
 * rebuilt from the distribution's certificates plus every .crt in the anchor directory.
 */
export function fakeDebian(
  id: string,
  distroPems: readonly string[],
  options: { curl?: (bundle: string) => boolean } = {},
): FakeContainer {
  const container = new FakeContainer(id, `name-${id}`);
  container.write(
    '/etc/os-release',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n',
  );
  container.write('/usr/sbin/update-ca-certificates', '#!/bin/sh\n');
  container.write('/bin/sh', 'ELF').write('/bin/rm', 'ELF');
  if (options.curl) container.write('/usr/bin/curl', 'ELF');
  container.write(BUNDLE, distroPems.join(''));
  container.handler = (argv, self) => {
    if (argv[0] === '/usr/sbin/update-ca-certificates') {
      const local = [...self.files.entries()]
        .filter(([path]) => path.startsWith(`${ANCHORS}/`) && path.endsWith('.crt'))
        .map(([, content]) => content.toString('latin1'));
      self.write(BUNDLE, [...distroPems, ...local].join(''));
      return { exitCode: 0, stdout: 'Updating certificates in /etc/ssl/certs...\n' };
    }
    if (argv[0] === '/usr/bin/curl' && options.curl) {
      return options.curl(self.read(BUNDLE) ?? '')
        ? { exitCode: 0 }
        : { exitCode: 60, stderr: 'curl: (60) SSL certificate problem: unable to get local issuer certificate\n' };
    }
    return undefined;
  };
  return container;
}
