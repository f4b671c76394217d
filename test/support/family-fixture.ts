import { removeContainers, startContainer, testImage } from './containers.js';
import { startHttpsServer, type LocalHttpsServer } from './https-server.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from './pki.js';

/** A test CA, an HTTPS server with a certificate it signed, and the containers a suite starts. */
export interface FamilyFixture {
  ca: TestCa;
  server: LocalHttpsServer;
  /** The CA's SHA-256, from openssl. */
  fp: string;
  /** Starts a labelled container of a test image, removed after the suite. */
  start(image: string, user?: string): Promise<string>;
}

/** Registers the suite's before/after hooks that make and remove the fixture. */
export function familyFixture(caName: string): FamilyFixture {
  const containers: string[] = [];
  const fixture = {
    async start(image: string, user?: string) {
      const id = await startContainer(testImage(image), user === undefined ? {} : { user });
      containers.push(id);
      return id;
    },
  } as FamilyFixture;
  before(async () => {
    fixture.ca = await makeCa(caName);
    fixture.server = await startHttpsServer(await makeServerCert(fixture.ca));
    fixture.fp = await opensslFingerprint(fixture.ca.certPath);
  });
  after(async () => {
    await removeContainers(containers);
    await fixture.server?.close();
    if (fixture.ca) await removeCa(fixture.ca);
  });
  return fixture;
}
