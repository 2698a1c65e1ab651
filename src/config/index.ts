/**
 * Configuration: setting descriptors, merge order (defaults < config file < environment <
 * flags) and validation with messages that name the setting as it was given.
 */
export {
  ConfigError,
  coerce,
  envName,
  isLoopback,
  parseDurationMs,
  parseListen,
  parseSize,
  settingLabel,
  type ListenAddress,
  type Origin,
  type SettingSpec,
  type SettingType,
} from './settings.js';
export {
  addSettingOptions,
  loadSettings,
  readConfigFile,
  type ConfigInputs,
  type LoadedSettings,
} from './load.js';
export {
  commonSettings,
  serveSettings,
  relaySettings,
  loadServeConfig,
  loadRelayConfig,
  type CommonConfig,
  type PeerConfig,
  type ServeConfig,
  type RelayConfig,
} from './serve-config.js';
