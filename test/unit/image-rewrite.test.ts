import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { rewriteSavedImage } from '../../src/image/rewrite-config.js';
import { streamToBuffer } from '../../src/docker/tar.js';

/** A `docker save` archive in miniature: a layer, the config, the manifest, the legacy names. */
async function savedImage(layer: Buffer): Promise<Readable> {
  const archive = pack();
  const config = JSON.stringify({
    architecture: 'amd64',
    config: { Cmd: ['sleep', '900'], Labels: { 'trustpatch.ca-fingerprints': 'temporary' } },
    rootfs: { type: 'layers', diff_ids: ['sha256:x'] },
    history: [{ created_by: 'sleep' }],
  });
  archive.entry({ name: 'abc/layer.tar' }, layer);
  archive.entry({ name: 'cafe.json' }, config);
  archive.entry(
    { name: 'manifest.json' },
    JSON.stringify([{ Config: 'cafe.json', RepoTags: null, Layers: ['abc/layer.tar'] }]),
  );
  archive.entry({ name: 'repositories' }, '{}');
  archive.finalize();
  return Readable.from(await streamToBuffer(archive));
}

async function entries(tar: Readable): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    void streamToBuffer(stream).then((content) => {
      out.set(header.name, content);
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    tar
      .pipe(reader)
      .on('finish', () => resolve())
      .on('error', reject);
  });
  return out;
}

describe('image add: setting a saved image’s configuration', () => {
  it('replaces config, names the image, keeps layers byte for byte, drops the legacy names; the id is the config’s digest', async () => {
    const layer = Buffer.from(Array.from({ length: 5000 }, (_v, i) => i % 251));
    const want = { Cmd: null, Labels: { 'trustpatch.ca-fingerprints': 'a'.repeat(64) } };
    const { tar, imageId } = rewriteSavedImage(await savedImage(layer), want, 'team/app:1-trustpatch');
    const files = await entries(tar);
    assert.deepEqual([...files.keys()], ['abc/layer.tar', 'cafe.json', 'manifest.json']);
    assert.ok(files.get('abc/layer.tar')!.equals(layer));
    const config = JSON.parse(files.get('cafe.json')!.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(config.config, want);
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: ['sha256:x'] }, 'the layers it names are unchanged');
    assert.deepEqual(config.history, [{ created_by: 'sleep' }]);
    assert.deepEqual(JSON.parse(files.get('manifest.json')!.toString('utf8')), [
      { Config: 'cafe.json', RepoTags: ['team/app:1-trustpatch'], Layers: ['abc/layer.tar'] },
    ]);
    assert.equal(await imageId, `sha256:${createHash('sha256').update(files.get('cafe.json')!).digest('hex')}`);
  });

  it('fails on an archive of several images instead of renaming one of them', async () => {
    const archive = pack();
    archive.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'a.json' }, { Config: 'b.json' }]));
    archive.finalize();
    const { tar, imageId } = rewriteSavedImage(Readable.from(await streamToBuffer(archive)), {}, 'x:1');
    tar.resume();
    await assert.rejects(imageId, /lists 2 images, not one/);
  });
});
