/** The Docker layer's public surface: the daemon and the CLI import from here. */
export { DockerClient, MAX_API_VERSION } from './client.ts';
export { DEFAULT_DOCKER_HOST, readDockerConfig, type DockerEnv } from './config.ts';
export type { DockerEvent } from './events.ts';
export {
  createDockerSource,
  type DockerSignal,
  type DockerSource,
  type DockerSourceOptions,
} from './source.ts';
export type { ContainerInfo, NetworkAttachment, PortBinding } from './types.ts';
