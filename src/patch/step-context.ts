import type { ContainerClient } from '../docker/container-client.js';
import type { PatchOptions, ProgressListener } from '../types.js';

/**
 * What a step of the patch reads from the run: the part of PatchContext
 * (src/patch/patch-container.ts) it needs, here so that the steps need not import the file that
 * runs them.
 */
export interface StepContext {
  client: ContainerClient;
  options: Pick<PatchOptions, 'timeoutMs' | 'lockDir'>;
  onProgress?: ProgressListener;
}
