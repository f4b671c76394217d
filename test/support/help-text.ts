import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIo } from './capture-io.js';

/** What `trustpatch COMMAND --help` prints (command words separated by spaces; '' for the top level). */
export async function helpText(command: string): Promise<string> {
  const io = captureIo({});
  assert.equal(await main([...command.split(' '), '--help'].filter(Boolean), io), 0);
  return io.out();
}
