import { docker, removeSessionContainers, SESSION_ID } from '../support/containers.js';
import { DOCKER_SOCKET, ensureCommand, TEST_ENGINE } from '../support/engine.js';

/**
 * Root hooks for the integration tier: fail early and clearly without an engine, and remove
 * every container of this session at the end, whatever a test left behind (docs/development.md, code shape rule 10).
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    const ping = await docker(['version', '--format', '{{.Server.Version}}'], { allowFailure: true });
    if (ping.code !== 0)
      throw new Error(`no ${TEST_ENGINE} engine answers (${ping.stderr.trim()}); run \`${ensureCommand()}\` first`);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    // The runs on other engines also start a few containers on the machine's Docker (one run over both engines).
    const left =
      (await removeSessionContainers()) +
      (TEST_ENGINE !== 'docker' ? await removeSessionContainers(`unix://${DOCKER_SOCKET}`) : 0);
    if (left > 0) console.warn(`teardown: removed ${left} container(s) left by session ${SESSION_ID}`);
  },
};
