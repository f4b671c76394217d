import { removeContainers, startContainer, type RunOptions } from './containers.js';
import { startHttpsServer, type LocalHttpsServer } from './https-server.js';
import { makeCa, makeServerCert, removeCa, type KeySpec, type TestCa } from './pki.js';

/**
 * What most integration files set up: a throwaway CA, an HTTPS server on loopback with a
 * certificate it signs, the containers a test starts, and their removal afterwards (code shape
 * rule 10: each test removes what it made; the global teardown catches what is left).
 */
export interface CaFixture {
  /** Set once the describe block's `before` hooks have run. */
  ca: TestCa;
  /** Undefined with `{ server: false }`. */
  server: LocalHttpsServer;
  /** Every container started through `start` or pushed here: removed after the block. */
  containers: string[];
  /** Starts a labelled test container (support/containers.ts) and removes it after the block. */
  start(image: string, options?: RunOptions): Promise<string>;
}

/** Call inside a `describe`: registers the `before` and `after` hooks, returns the fixture they fill. */
export function caFixture(caName: string, options: { server?: boolean; key?: KeySpec } = {}): CaFixture {
  const containers: string[] = [];
  const fixture = {
    containers,
    start: async (image: string, runOptions?: RunOptions) => {
      const id = await startContainer(image, runOptions);
      containers.push(id);
      return id;
    },
  } as CaFixture;
  before(async () => {
    fixture.ca = await makeCa(caName, { key: options.key });
    if (options.server !== false) fixture.server = await startHttpsServer(await makeServerCert(fixture.ca));
  });
  after(async () => {
    await removeContainers(containers);
    await fixture.server?.close();
    if (fixture.ca) await removeCa(fixture.ca);
  });
  return fixture;
}
