import assert from 'node:assert/strict';
import { isLoopbackHost, partnerOf, registryDir, roleOf } from '../../src/registry/certs-d.js';
import { UserError } from '../../src/errors.js';

describe('certs.d rules', () => {
  it('names the directory host:port, and drops :443 with a note', () => {
    assert.equal(registryDir('registry.corp:5000').name, 'registry.corp:5000');
    assert.deepEqual(registryDir('registry.corp:5000').notes, []);
    const dropped = registryDir('registry.corp:443');
    assert.equal(dropped.name, 'registry.corp');
    assert.match(dropped.notes[0]!, /dropped :443/);
    assert.equal(registryDir('10.1.2.3').name, '10.1.2.3');
    assert.equal(registryDir('[fd00::1]:5000').name, '[fd00::1]:5000');
  });

  it('refuses what is not host[:port], suggesting the host part of a URL', () => {
    assert.throws(
      () => registryDir('https://registry.corp:5000/v2/'),
      (e: Error) => e instanceof UserError && /give registry\.corp:5000\./.test(e.message),
    );
    assert.throws(() => registryDir('registry.corp:70000'), /out of range/);
    assert.throws(() => registryDir('a b'), UserError);
    assert.throws(() => registryDir('../etc'), UserError);
    assert.throws(() => registryDir(''), UserError);
  });

  it('reads a file’s role from its name, and pairs .cert with .key', () => {
    assert.equal(roleOf('ca.crt'), 'ca');
    assert.equal(roleOf('client.cert'), 'client-cert');
    assert.equal(roleOf('client.key'), 'client-key');
    assert.equal(roleOf('ca.pem'), 'ignored');
    assert.equal(partnerOf('client.cert'), 'client.key');
    assert.equal(partnerOf('a.b.key'), 'a.b.cert');
    assert.equal(partnerOf('ca.crt'), undefined);
  });

  it('knows the loopback hosts the engine treats as insecure', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['10.0.0.1', '128.0.0.1', 'registry.corp', '127.0.0.256', '::1'])
      assert.equal(isLoopbackHost(host), false, host);
  });
});
