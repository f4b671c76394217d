import Dockerode from 'dockerode';
import type { ContainerClient } from './container-client.js';
import { DockerodeClient } from './dockerode-client.js';

export interface ConnectOptions {
  /** An engine address like `unix:///run/podman/podman.sock` or `tcp://127.0.0.1:2375`. */
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * A client for the engine the docker CLI would use: `host`, else DOCKER_HOST (docker-modem
 * reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), else /var/run/docker.sock.
 */
export function connect(options: ConnectOptions = {}): ContainerClient {
  const env = options.env ?? process.env;
  const host = options.host ?? env.DOCKER_HOST;
  if (host === undefined || host === '') {
    return new DockerodeClient(new Dockerode({ socketPath: '/var/run/docker.sock' }), 'unix:///var/run/docker.sock');
  }
  if (host.startsWith('unix://')) {
    return new DockerodeClient(new Dockerode({ socketPath: host.slice('unix://'.length) }), host);
  }
  // docker-modem parses tcp:// (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) and ssh:// from DOCKER_HOST.
  const previous = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = host;
  try {
    return new DockerodeClient(new Dockerode(), host);
  } finally {
    if (previous === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previous;
  }
}
