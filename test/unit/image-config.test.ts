import assert from 'node:assert/strict';
import { UserError } from '../../src/errors.js';
import {
  CA_LABEL,
  configDifferences,
  defaultTag,
  labelFingerprints,
  parseImageName,
  wantedConfig,
} from '../../src/image/image-config.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('image add: the new image’s name and configuration', () => {
  it('adds only the CA label, keeping every other field and the fingerprints of an earlier run', () => {
    const image = {
      Entrypoint: ['/entry'],
      Cmd: null,
      User: '65534',
      Env: ['A=1'],
      Labels: { vendor: 'x', [CA_LABEL]: A },
    };
    const want = wantedConfig(image, [B, A]);
    assert.deepEqual(want, {
      Entrypoint: ['/entry'],
      Cmd: null,
      User: '65534',
      Env: ['A=1'],
      Labels: { vendor: 'x', [CA_LABEL]: `${A},${B}` },
    });
    assert.deepEqual(image.Labels, { vendor: 'x', [CA_LABEL]: A }, 'IMAGE’s object is not changed');
    assert.deepEqual(labelFingerprints(want), [A, B]);
    assert.deepEqual(
      labelFingerprints({ Labels: { [CA_LABEL]: 'temporary' } }),
      [],
      'the temporary marker names no CA',
    );
  });

  it('compares field by field: absent and null are the same, [] and null are not', () => {
    assert.deepEqual(configDifferences({ Cmd: null, Env: ['A=1'] }, { Env: ['A=1'] }), []);
    assert.deepEqual(configDifferences({ Cmd: null }, { Cmd: [] }), ['Cmd']);
    assert.deepEqual(
      configDifferences({ Cmd: null, Labels: { a: '1' } }, { Cmd: ['sleep', '900'], Labels: { a: '2' } }),
      ['Cmd', 'Labels'],
    );
  });

  it('defaults the tag to IMAGE’s plus -trustpatch, never IMAGE’s own', () => {
    assert.deepEqual(defaultTag('debian:bookworm', []), { repo: 'debian', tag: 'bookworm-trustpatch' });
    assert.deepEqual(defaultTag('localhost:5000/team/app', []), {
      repo: 'localhost:5000/team/app',
      tag: 'latest-trustpatch',
    });
    assert.deepEqual(defaultTag('0123456789ab', ['vendor/scanner:2']), { repo: 'vendor/scanner', tag: '2-trustpatch' });
    assert.throws(
      () => defaultTag('sha256:0123456789abcdef', []),
      (error: unknown) => error instanceof UserError && /give --tag/.test(error.message),
    );
  });

  it('refuses names that are not image names, saying what one looks like', () => {
    for (const bad of ['Upper/case:1', 'app@sha256:00', 'app:', 'app:bad/tag', ' app']) {
      assert.throws(
        () => parseImageName(bad),
        (error: unknown) => error instanceof UserError && error.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
    assert.deepEqual(parseImageName('registry.example:443/a/b-c:1.2_x'), {
      repo: 'registry.example:443/a/b-c',
      tag: '1.2_x',
    });
  });
});
