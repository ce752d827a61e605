export { type Credential, resolveCredential } from './auth.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { ErrorCode, GatewayError, isGatewayError } from './errors.js';
export {
  createGateway,
  DEFAULT_QUERY,
  type Gateway,
  type GatewayConfig,
  GRAPHQL_PATH,
} from './gateway.js';
export { createLogger, createSilentLogger, type Logger, type LogLevel } from './logger.js';
export type { Build, BuildKey } from './northflank/build.js';
export { NorthflankClient, type NorthflankClientOptions } from './northflank/client.js';
export { getSchema, printSortedSchema } from './schema/index.js';
export { type ListenOptions, listen, type RunningServer } from './server.js';
