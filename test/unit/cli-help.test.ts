import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { helpText } from '../support/help-text.js';

/** Snapshots live beside the sources (test/unit/snapshots), not in dist/. */
const SNAPSHOTS = fileURLToPath(new URL('../../../test/unit/snapshots/', import.meta.url));
const UPDATE = process.env.TRUSTPATCH_UPDATE_SNAPSHOTS === '1';

const COMMANDS = [
  'add',
  'check',
  'remove',
  'status',
  'dockerfile',
  'inspect',
  'fetch-ca',
  'registry',
  'registry add',
  'registry lint',
  'registry client-cert',
  'host',
  'host add',
  'host remove',
  'host status',
  'image',
  'image add',
  'image status',
];
const ENGINE_COMMANDS = new Set([
  'add',
  'check',
  'remove',
  'status',
  'dockerfile',
  'registry add',
  'image add',
  'image status',
]);

describe('--help: each command, what it takes, examples and exit codes', () => {
  for (const command of ['', ...COMMANDS]) {
    const name = command === '' ? 'trustpatch' : command;
    it(`${name} --help`, async () => {
      const text = await helpText(command);
      // What a reader relies on, whatever the snapshot says.
      assert.match(text, /Exit codes: .+\.\n$/s, 'ends with its exit codes');
      if (command !== '') assert.match(text, /\nExamples:\n {2}(sudo )?trustpatch /, 'has an example');
      for (const line of text.split('\n'))
        assert.ok((line.match(/\[default:/g) ?? []).length <= 1, `one default per flag: ${line}`);
      assert.doesNotMatch(text, /\S\[(boolean|string|number|array)\]/, 'a type is never glued to its description');
      assert.equal(/-H, --host/.test(text), ENGINE_COMMANDS.has(command), `-H only where an engine is used (${name})`);
      if (/\n {2}certificate /.test(text) && /\n {2}containers /.test(text))
        assert.ok(
          text.indexOf('  certificate ') < text.indexOf('  containers '),
          'certificate is listed before containers',
        );
      if (command === 'status' || command === 'check')
        assert.doesNotMatch(text, /are changed/, `${name} changes nothing`);
      const file = `${SNAPSHOTS}help-${name.replaceAll(' ', '-')}.txt`;
      if (UPDATE) await writeFile(file, text);
      assert.equal(
        text,
        await readFile(file, 'utf8'),
        `differs from ${file} (TRUSTPATCH_UPDATE_SNAPSHOTS=1 rewrites it)`,
      );
    });
  }
});
