import assert from 'node:assert/strict';
import { failureCause } from '../../src/check/tls-clients.js';
import { patchContainer } from '../../src/patch/patch-container.js';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import { FakeClient } from '../support/fake-client.js';
import { BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('why a check failed: a rejected certificate or a server never reached', () => {
  it('classifies curl by its exit status', () => {
    assert.equal(failureCause('curl', 60, 'curl: (60) SSL certificate problem'), 'untrusted');
    assert.equal(failureCause('curl', 35, 'curl: (35) alert'), 'untrusted');
    for (const code of [6, 7, 28, 56]) assert.equal(failureCause('curl', code, ''), 'unreachable', `curl ${code}`);
  });

  it('classifies the other clients by what they print', () => {
    assert.equal(failureCause('wget', 1, 'ssl_client: certificate verify failed'), 'untrusted');
    assert.equal(
      failureCause('wget', 1, "wget: can't connect to remote host (127.0.0.1): Connection refused"),
      'unreachable',
    );
    assert.equal(failureCause('openssl', 1, 'connect:errno=111'), 'unreachable');
    assert.equal(
      failureCause(
        'python3',
        1,
        'URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed>',
      ),
      'untrusted',
    );
    assert.equal(failureCause('python3', 1, 'URLError: <urlopen error [Errno 111] Connection refused>'), 'unreachable');
  });

  describe('after the patch', () => {
    let ca: TestCa;
    before(async () => {
      ca = await makeCa('Cause CA');
    });
    after(async () => removeCa(ca));

    function setup(curlExit: number) {
      const client = new FakeClient();
      const container = client.add(fakeDebian('c1', [], { curl: () => true }));
      const update = container.handler;
      container.handler = (argv, self, options) =>
        argv[0]?.endsWith('curl')
          ? { exitCode: curlExit, stderr: `curl: (${curlExit}) some failure\n` }
          : update(argv, self, options);
      const { certificates } = parseCertificates(Buffer.from(ca.pem), 'ca.pem');
      const context = {
        client,
        certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
        options: { checkUrls: ['https://127.0.0.1:9/'], install: 'auto' as const, timeoutMs: 5000 },
      };
      return { container, context };
    }

    it('keeps a verified patch when the server cannot be reached, and warns', async () => {
      const { container, context } = setup(7);
      const result = await patchContainer(context, container.info);
      assert.equal(result.status, 'patched');
      assert.equal(result.check.after[0]?.failure, 'unreachable');
      assert.match(result.warnings.join('\n'), /could not reach https:\/\/127\.0\.0\.1:9\/.*not proven/);
      assert.ok(container.read(BUNDLE)!.includes(ca.pem));
    });

    it('rolls back when the server is reached and its certificate rejected', async () => {
      const { container, context } = setup(60);
      const before = container.files.get(BUNDLE)!;
      const result = await patchContainer(context, container.info);
      assert.equal(result.status, 'failed');
      assert.ok(container.files.get(BUNDLE)!.equals(before));
    });
  });
});
